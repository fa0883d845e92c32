"""The three roles, as Django groups with model permissions (created by a data migration).

Views check permissions (`shipments.change_case`, `registry.change_measure`, ...), never group
names, so a site can grant a person extra rights without a new role.
"""

STAFF = "Reference-data staff"
OFFICER = "Compliance officer"
VIEWER = "Viewer"
ROLES = (STAFF, OFFICER, VIEWER)

REGISTRY_MODELS = (
    "authority", "measure", "suspension", "element", "hscode", "producergroup", "producer",
    "approvedlistversion", "approvedlistentry", "quotacycle", "quotabatch", "quotaallocation",
    "quotautilisation", "watchlist", "watchlistentry", "calendarday", "holidaynotice",
    "referencechange",
)  # fmt: skip
CASE_MODELS = ("case", "caseelement", "document", "timelineevent")
ASSESSMENT_MODELS = ("assessment",)


def _perms(app: str, models: tuple[str, ...], actions: tuple[str, ...]) -> list[str]:
    return [f"{app}.{a}_{m}" for m in models for a in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    STAFF: _perms("registry", REGISTRY_MODELS, ("add", "change", "delete", "view"))
    + _perms("shipments", CASE_MODELS, ("view",))
    + _perms("assessments", ASSESSMENT_MODELS, ("view",)),
    OFFICER: _perms("registry", REGISTRY_MODELS, ("view",))
    + _perms("shipments", CASE_MODELS, ("add", "change", "view"))
    + _perms("assessments", ASSESSMENT_MODELS, ("add", "view")),
    VIEWER: _perms("registry", REGISTRY_MODELS, ("view",))
    + _perms("shipments", CASE_MODELS, ("view",))
    + _perms("assessments", ASSESSMENT_MODELS, ("view",)),
}


def user_roles(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return sorted(g.name for g in user.groups.all() if g.name in ROLES)
