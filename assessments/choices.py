from django.db import models


class Trigger(models.TextChoices):
    CREATED = "created", "Case created"
    EDITED = "edited", "Case edited"
    REFERENCE_CHANGE = "reference_change", "Reference data changed"
    SCHEDULED = "scheduled", "Scheduled sweep"
    MANUAL = "manual", "On demand"
