"""The documentation says what the code does: the README's sample messages are the demo
council's real ones (`python -m demo.samples`), and its table of input files, like the input
reference `docs/inputs.md` (`python -m models.reference`), is their declaration."""

from pathlib import Path

import pytest

from demo.samples import sample_messages


def test_the_readme_shows_the_demo_councils_real_messages():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert sample_messages() in readme, "README out of date: paste `python -m demo.samples` into it"


def test_the_readmes_input_files_table_is_the_declaration_of_the_inputs():
    from models.policy.facts import INPUTS

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for table in INPUTS:
        columns = ", ".join(f"`{c.header}{'?' if c.optional else ''}`" for c in table.columns)
        assert f"| `{table.file}` | {columns} |" in readme, table.file


@pytest.mark.parametrize("name", ["inputs", "findings"])
def test_the_references_are_written_from_the_declarations(name):
    from models.reference import REFERENCES

    written = (Path(__file__).parents[2] / "docs" / f"{name}.md").read_text(encoding="utf-8")
    assert written == REFERENCES[name](), f"docs/{name}.md out of date: python -m models.reference {name}"
