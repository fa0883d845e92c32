"""The Django choices come from the method's vocabulary."""


def test_the_django_band_choices_are_the_methods_vocabulary():
    """One vocabulary: the case's Band choices are the method's bands, in its order."""
    from method.choices import BAND_RANK, BANDS, band_worsened
    from shipments.choices import Band

    assert tuple(Band.values) == BANDS
    assert [BAND_RANK[b] for b in Band.values] == list(range(len(BANDS)))
    assert Band("critical").label == "Critical"
    assert band_worsened("low", "high")
    assert not band_worsened("high", "medium")
    assert not band_worsened(None, "critical")  # a first assessment is no worsening


def test_the_party_ore_and_evidence_choices_are_the_methods_vocabulary():
    from method.choices import ORE_CATEGORIES, PARTY_ROLES, SOURCE_EVIDENCE
    from shipments.choices import OreCategory, PartyRole, SourceEvidence

    assert tuple(PartyRole.values) == PARTY_ROLES
    assert tuple(OreCategory.values) == ORE_CATEGORIES
    assert tuple(SourceEvidence.values) == SOURCE_EVIDENCE
    assert PartyRole("forwarder").label == "Freight forwarder"
