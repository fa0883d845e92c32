"""OpenAPI naming that drf-spectacular cannot guess: one name per choice set.

Several models share field names with different choices (`status` of a case, a document, a
list version...; `kind` of a facility, a quota, a reference change; `confidence`), so
spectacular needs explicit enum names to build a schema without warnings. These are plain
import paths, so config/settings can use the same dict in SPECTACULAR_SETTINGS.
"""

ENUM_NAME_OVERRIDES = {
    "CaseStatusEnum": "shipments.choices.CaseStatus",
    "DocumentStatusEnum": "shipments.choices.DocumentStatus",
    "ListVersionStatusEnum": "registry.choices.ListVersionStatus",
    "ListEntryStatusEnum": "registry.choices.ListEntryStatus",
    "WatchEntryStatusEnum": "registry.choices.WatchEntryStatus",
    "ChangeStatusEnum": "registry.choices.ChangeStatus",
    "ConfidenceEnum": "registry.choices.Confidence",
    "QuotaConfidenceEnum": "registry.choices.QuotaConfidence",
    "FacilityKindEnum": "registry.choices.FacilityKind",
    "QuotaKindEnum": "registry.choices.QuotaKind",
    "ChangeKindEnum": "registry.choices.ChangeKind",
    "ProductFormEnum": "registry.choices.ProductForm",
}

# Used by the schema view and `manage.py spectacular --custom-settings api.schema.SCHEMA_SETTINGS`
# until SPECTACULAR_SETTINGS carries ENUM_NAME_OVERRIDES itself.
SCHEMA_SETTINGS = {"ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES}
