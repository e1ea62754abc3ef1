"""A second "Run all" in the same kernel works for every notebook, and later cells use the new parameters."""
from __future__ import annotations

import pytest

from tests.helpers.paths import ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.xdist_group("notebooks")]

#: notebook → (parameter line as committed, the same line changed for the second run, text the second run prints)
CHANGES = {
    "unit_report": ('unit_code: str = "193"', 'unit_code: str = "198"', "198 Huyện Bình Liêu"),
    "province_summary": ("units: list[str] = []", 'units: list[str] = ["193", "198"]', ": 2 đơn vị"),
    "scenario_explorer": ('unit_code: str = ""', 'unit_code: str = "198"', None),
}


def _run_all(client, nb) -> list[str]:
    """Execute every code cell like JupyterLab's "Run all"; return the error names raised."""
    from nbclient.exceptions import CellExecutionError

    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            client.execute_cell(cell, index)
        except CellExecutionError as exc:
            errors.append(f"{exc.ename}: {exc.evalue}")
            break
    return errors


def _stream(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_run_all_twice_in_one_kernel(name, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(ROOT / "notebooks" / f"{name}.ipynb"), as_version=4)
    params = nb.cells[next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))]
    if name == "unit_report":  # keep it short: one chart, no appendix files
        params.source = params.source.replace("key_indicators: list[str] = []", 'key_indicators: list[str] = ["CT16"]')
        params.source = params.source.replace('appendix_formats: list[str] = ["docx", "xlsx"]',
                                              "appendix_formats: list[str] = []")
    old, new, printed = CHANGES[name]
    assert old in params.source
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=False,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    with client.setup_kernel():
        assert _run_all(client, nb) == []
        params.source = params.source.replace(old, new)  # the analyst changes a parameter, then "Run all" again
        errors = _run_all(client, nb)
        assert errors == [], errors
        if printed is not None:
            assert printed in _stream(nb), _stream(nb)[-500:]
        # the validated parameters are the new ones, not those of the first run
        check = nbformat.v4.new_code_cell("print(sorted(P.items()))")
        nb.cells.append(check)
        client.execute_cell(check, len(nb.cells) - 1)
        shown = "".join(o.get("text", "") for o in check.outputs)
        value = new.split("=", 1)[1].strip()
        assert value.replace('"', "'") in shown, shown
