from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self) -> None:
        # Provide the lower layers' ports (assessments/entrypoints.py says which and why).
        from assessments import entrypoints
        from assessments.preview import impact_preview
        from registry.ports import impact_preview as impact_preview_port
        from registry.ports import rescore_requested
        from shipments.ports import case_assess, cases_assess, reference_load

        rescore_requested.provide(entrypoints.rescore_enqueue)
        impact_preview_port.provide(impact_preview)
        case_assess.provide(entrypoints.case_assess)
        cases_assess.provide(entrypoints.cases_assess)
        reference_load.provide(entrypoints.reference_load)
