"""The three roles, as Django groups with model permissions (created by a data migration).

Views check permissions (`shipments.change_case`, `registry.change_measure`, ...), never group
names, so a site can grant a person extra rights without a new role.

No role holds API token permissions: a token is created only by its owner (accounts app),
and the token admin is for superusers whatever the permissions say. Holding a power to
create keys for others is holding every other user's rights (issue 10).
"""

STAFF = "Reference-data staff"
OFFICER = "Compliance officer"
VIEWER = "Viewer"
ROLES = (STAFF, OFFICER, VIEWER)

REGISTRY_MODELS = (
    "authority", "measure", "suspension", "element", "hscode", "producergroup", "producer",
    "approvedlistversion", "approvedlistentry", "quotacycle", "quotabatch", "quotaallocation",
    "quotautilisation", "watchlist", "watchlistentry", "calendarday", "holidaynotice",
    "referencechange", "destinationrestriction", "technologyitem", "watchnotice",
)  # fmt: skip
CASE_MODELS = ("case", "caseelement", "document", "timelineevent", "licence")
ASSESSMENT_MODELS = ("assessment", "referencepart")
DISPOSITION_MODELS = ("disposition",)
# Officers record dispositions and approve each other's: the rule that matters is that the
# approver is not the author (assessments.dispositions and a database constraint).
APPROVE_DISPOSITION = "assessments.approve_disposition"
# Staff configure the systems that listen (issue 14) and read what was sent to them.
WEBHOOK_PERMISSIONS = [
    "notifications.add_webhookendpoint",
    "notifications.change_webhookendpoint",
    "notifications.view_webhookendpoint",
    "notifications.view_webhookdelivery",
]


def _perms(app: str, models: tuple[str, ...], actions: tuple[str, ...]) -> list[str]:
    return [f"{app}.{a}_{m}" for m in models for a in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    STAFF: _perms("registry", REGISTRY_MODELS, ("add", "change", "delete", "view"))
    + _perms("shipments", CASE_MODELS, ("view",))
    + _perms("assessments", ASSESSMENT_MODELS, ("view",))
    + _perms("assessments", DISPOSITION_MODELS, ("view",))
    + WEBHOOK_PERMISSIONS,
    OFFICER: _perms("registry", REGISTRY_MODELS, ("view",))
    + _perms("shipments", CASE_MODELS, ("add", "change", "view"))
    # A licence recorded by mistake is deleted while no case draws on it (PROTECT).
    + ["shipments.delete_licence"]
    + _perms("assessments", ASSESSMENT_MODELS, ("add", "view"))
    + _perms("assessments", DISPOSITION_MODELS, ("add", "view"))
    + [APPROVE_DISPOSITION],
    VIEWER: _perms("registry", REGISTRY_MODELS, ("view",))
    + _perms("shipments", CASE_MODELS, ("view",))
    + _perms("assessments", ASSESSMENT_MODELS, ("view",))
    + _perms("assessments", DISPOSITION_MODELS, ("view",)),
}


def user_roles(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return sorted(g.name for g in user.groups.all() if g.name in ROLES)


def sync_role_groups(apps, *, create_missing_permissions: bool = True) -> None:
    """Create or update the role groups with exactly ROLE_PERMISSIONS.

    Migrations pass their historical `apps`; permissions are normally created after migrate,
    so they are made here first. Tests pass the live registry with
    create_missing_permissions=False to restore the groups after a transactional flush.
    """
    from django.contrib.auth.management import create_permissions

    if create_missing_permissions:
        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            # A model added by a later migration has no permission yet; the migration that
            # adds it syncs the roles again.
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
