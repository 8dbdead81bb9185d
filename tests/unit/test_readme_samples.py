"""The README says what the code does: its sample messages are the demo council's real ones
(`python -m demo.samples`), and its table of input files is their declaration."""

from pathlib import Path

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
