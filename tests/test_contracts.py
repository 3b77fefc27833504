"""The contracts in docs/contracts are unchanged copies of the design documents they come from."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
COPIES = {
    "SYSTEM.md": "design/SYSTEM.md",
    "journeys.md": "design/journeys.md",
    "STYLE.md": "design/STYLE.md",
    "templates.md": "design/templates.md",
    "figures.md": "design/figures.md",
    "visit-planning.md": "design/visit-planning.md",
    "seed-facts.md": "design/seed-facts.md",
    "domain-facts.md": "reference/domain-facts.md",
}


@pytest.mark.parametrize("copy", sorted(COPIES))
def test_each_contract_is_in_the_project(copy):
    assert (ROOT / "docs" / "contracts" / copy).stat().st_size > 0


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared beside the repository")
@pytest.mark.parametrize(("copy", "source"), sorted(COPIES.items()))
def test_the_copy_matches_its_source(copy, source):
    ours = (ROOT / "docs" / "contracts" / copy).read_text(encoding="utf-8")
    theirs = (SHARED / source).read_text(encoding="utf-8")
    assert ours == theirs, f"docs/contracts/{copy} differs from shared/{source}: copy it again"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared beside the repository")
def test_the_shipped_reference_data_matches_its_source():
    ours = (ROOT / "duikou" / "core" / "data" / "domain-facts.json").read_bytes()
    assert ours == (SHARED / "reference" / "domain-facts.json").read_bytes()


IATI_SCHEMAS = ROOT / "duikou" / "reports" / "data" / "iati-2.03"
IATI_FILES = ["README.md", "iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"]


@pytest.mark.parametrize("name", IATI_FILES)
def test_the_iati_schemas_are_in_the_project(name):
    assert (IATI_SCHEMAS / name).stat().st_size > 0


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared beside the repository")
def test_the_iati_schemas_are_unchanged_copies_of_the_reference():
    source = SHARED / "reference" / "iati-2.03"
    assert sorted(p.name for p in source.iterdir()) == IATI_FILES, "a file added or removed"
    for name in IATI_FILES:
        ours = (IATI_SCHEMAS / name).read_bytes()
        assert ours == (source / name).read_bytes(), f"{name} differs: copy it again"
