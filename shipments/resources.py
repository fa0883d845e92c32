"""The register as a spreadsheet (django-import-export): what the export writes.

The columns are the import's columns plus the assessment's band and score and the case
status, so an exported file can be edited and imported elsewhere (those extra columns are
ignored on import).
"""

from import_export import fields

from registry.exports import SafeExportResource

from .models import CASE_INPUT_FIELDS, Case


class CaseResource(SafeExportResource):
    band = fields.Field(attribute="get_band_display", column_name="band")
    status = fields.Field(attribute="get_status_display", column_name="status")
    producer = fields.Field(column_name="producer")
    producer_group = fields.Field(column_name="producer_group")
    elements = fields.Field(column_name="elements")
    product_form = fields.Field(attribute="product_form", column_name="product_form")
    owner = fields.Field(column_name="owner")

    class Meta:
        model = Case
        # The import's columns (minus watchers), with the group beside the producer and
        # the assessment around them; the import ignores those extras, so an export
        # round-trips.
        fields = (
            "band",
            "score",
            "status",
            *(
                column
                for field in CASE_INPUT_FIELDS
                if field != "watchers"
                for column in ((field, "producer_group") if field == "producer" else (field,))
            ),
            "assessed_at",
        )
        export_order = fields

    def dehydrate_producer(self, case: Case) -> str:
        return case.producer.name_en if case.producer else ""

    def dehydrate_producer_group(self, case: Case) -> str:
        return case.producer.group.name if case.producer and case.producer.group else ""

    def dehydrate_elements(self, case: Case) -> str:
        return ", ".join(
            f"{ce.element_id}:{format(ce.content_share.normalize(), 'f')}"
            if ce.content_share
            else ce.element_id
            for ce in case.case_elements.all()
        )

    def dehydrate_owner(self, case: Case) -> str:
        return case.owner.get_username()

    def dehydrate_general_licence(self, case: Case) -> str:
        return "yes" if case.general_licence else "no"
