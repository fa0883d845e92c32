from django.db import models


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    DERIVED = "derived", "Derived"
    UNCONFIRMED = "unconfirmed", "Unverified"


class QuotaConfidence(models.TextChoices):
    OFFICIAL = "official", "Official"
    REPORTED = "reported", "Reported"
    ESTIMATED = "estimated", "Estimated"


class ElementFamily(models.TextChoices):
    LIGHT = "light", "Light"
    MEDIUM = "medium", "Medium"
    HEAVY = "heavy", "Heavy"
    OTHER = "other", "Other"


class QuotaCategory(models.TextChoices):
    LIGHT = "light", "Light (rock-type ore)"
    IONIC = "ionic", "Ionic (ion-adsorption ore)"
    TOTAL = "total", "Total (category not split)"


class ElementQuotaCategory(models.TextChoices):
    LIGHT = "light", "Light"
    IONIC = "ionic", "Ionic"
    NONE = "none", "None"


class QuotaKind(models.TextChoices):
    MINING = "mining", "Mining"
    SMELTING = "smelting", "Smelting and separation"


class ProductForm(models.TextChoices):
    ORE = "ore", "Ore / concentrate"
    OXIDE = "oxide", "Oxide"
    COMPOUND = "compound", "Other compound"
    METAL = "metal", "Metal"
    ALLOY = "alloy", "Alloy"
    TARGET = "target", "Sputtering target"
    MAGNET = "magnet", "Magnet / magnet material"
    EQUIPMENT = "equipment", "Production equipment"
    TECHNOLOGY = "technology", "Technology / know-how"


class Layer(models.TextChoices):
    QUOTA = "quota", "Production quota"
    LICENCE = "licence", "Export licence"
    TECHNOLOGY = "technology", "Technology control"
    END_USE = "end_use", "End-use scrutiny"
    PROHIBITION = "prohibition", "Prohibition"
    SUSPENSION = "suspension", "Suspension"
    REPORTING = "reporting", "Reporting"
    FRAMEWORK = "framework", "Framework law"


class FacilityKind(models.TextChoices):
    MINE = "mine", "Mine"
    SEPARATION_PLANT = "separation_plant", "Separation plant"
    METAL_SMELTER = "metal_smelter", "Metal smelter"
    MAGNET_MAKER = "magnet_maker", "Magnet maker"
    TRADER = "trader", "Trader"


class ListVersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ListEntryStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    SUSPENDED = "suspended", "Suspended"
    REMOVED = "removed", "Removed"


class WatchEntryStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    MEASURES_TERMINATED = "measures_terminated", "Measures terminated"
    REMOVED = "removed", "Removed"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "Public holiday (day off)"
    MAKEUP_WORKDAY = "makeup_workday", "Make-up working day"
    # A statutory day off derived (Decree 795's 13 days) for a year whose notice is not
    # loaded; the notice's days replace these once it is (reference.calendar reads them
    # only for years with no notice).
    STATUTORY = "statutory", "Statutory day off (derived, no notice yet)"


class DestinationRegime(models.TextChoices):
    UN_SANCTIONS = "un_sanctions", "UN Security Council sanctions"
    CN_COUNTERMEASURE = "cn_countermeasure", "Chinese countermeasure"


class DestinationScope(models.TextChoices):
    ALL_ITEMS = "all_items", "any item"
    MILITARY_END_USE = "military_end_use", "military end users or end uses"


class DestinationSeverity(models.TextChoices):
    """The floor a restriction sets for a case it matches (the method's band names)."""

    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class ChangeKind(models.TextChoices):
    LIST_PUBLISHED = "list_published", "Approved list published"
    QUOTA_BATCH = "quota_batch", "Quota batch issued or changed"
    QUOTA_ALLOCATION = "quota_allocation", "Quota allocation changed"
    QUOTA_UTILISATION = "quota_utilisation", "Quota utilisation reported"
    QUOTA_CYCLE = "quota_cycle", "Quota cycle changed"
    MEASURE = "measure", "Measure added or changed"
    SUSPENSION = "suspension", "Suspension added or changed"
    WATCH_LIST = "watch_list", "Watch list updated"
    CALENDAR = "calendar", "Working-day calendar changed"
    PRODUCER = "producer", "Producer or group changed"
    DESTINATION = "destination", "Destination restriction changed"
    TECHNOLOGY = "technology", "Technology catalogue item changed"


# Kinds whose reach is a set of parties: the producers or groups whose standing moved, or
# the names added to or taken off a list. With no such key the change moved no party, so it
# affects no case (publishing a list identical to the one in force re-scores nothing).
PARTY_SCOPED_KINDS = frozenset(
    {ChangeKind.LIST_PUBLISHED, ChangeKind.PRODUCER, ChangeKind.WATCH_LIST}
)


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Re-scoring"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
