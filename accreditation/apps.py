from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = "Accredited CE"

    def ready(self):
        from accreditation.gates import credit_disclosures_gate
        from accreditation.models import CreditDesignation, CreditType
        from accreditation.sections import credit_section
        from content import fragments
        from courses.gates import lesson_gates
        from courses.sections import page_sections

        page_sections.append(credit_section)
        lesson_gates.append(credit_disclosures_gate)
        # A course page keeps its designations between requests (content.fragments).
        fragments.connect([CreditDesignation, CreditType])
