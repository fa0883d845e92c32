"""A password change revokes the user's API tokens, whatever path changed it (the account's
own password change, the admin's set-password form, `changepassword`, a service).

This is an edge rule on the user row, not a workflow step, so it is a signal: every path
that changes a password saves the user, and none of them is Lodestone's code.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, identify_hasher, is_password_usable
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.services import api_tokens_revoke_all

User = get_user_model()


def _password_changed(user) -> bool:
    if user._state.adding or not user.pk:
        return False
    old = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
    if old is None or old == user.password:
        return False
    # set_password keeps the raw password until save: a real change (even to the same one).
    if getattr(user, "_password", None) is not None or not is_password_usable(user.password):
        return True
    # Otherwise the hash changed without set_password: Django re-hashing on login because the
    # hasher settings changed (same password), unless the old hash did not need that.
    try:
        old_hasher = identify_hasher(old)
    except ValueError:
        return True
    preferred = get_hasher("default")
    rehash = old_hasher.algorithm != preferred.algorithm or preferred.must_update(old)
    return not rehash


@receiver(pre_save, sender=User, dispatch_uid="accounts.password_change_detect")
def _detect_password_change(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "password" not in update_fields:
        instance._lodestone_password_changed = False
        return
    instance._lodestone_password_changed = _password_changed(instance)


@receiver(post_save, sender=User, dispatch_uid="accounts.password_change_revoke")
def _revoke_tokens_on_password_change(sender, instance, **kwargs):
    if getattr(instance, "_lodestone_password_changed", False):
        instance._lodestone_password_changed = False
        api_tokens_revoke_all(user=instance, reason="password changed")
