"""Notebook parameters: declared spec, strict checking, and batch files that feed them (no kernel needed)."""
from __future__ import annotations

import pytest
import yaml

from ctxh_plan.batch import BATCH_KEYS, load_batch_config
from ctxh_plan.batch.nbparams import NOTEBOOKS, check_params, declared_defaults, notebook_params
from ctxh_plan.errors import ParameterError
from tests.helpers.paths import ROOT

NB = ROOT / "notebooks"

# the Jupyter libraries these tests import cost ~3 s per process: one worker pays it (docs/TESTING.md)
pytestmark = pytest.mark.xdist_group("jupyter")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_spec_comes_from_the_parameters_cell_as_papermill_reads_it(name):
    """The spec is the parameters cell itself; papermill (``--help-notebook``) reads the same names,
    types, defaults and help, and the defaults pass the check (the notebook runs as committed)."""
    import ast

    import papermill as pm

    spec = notebook_params(name)
    seen = pm.inspect_notebook(str(NB / f"{name}.ipynb"))
    assert [f.name for f in spec] == list(seen), "papermill cannot parse a line of the parameters cell"
    for f in spec:
        p = seen[f.name]
        assert ast.literal_eval(p["default"]) == f.default and p["help"] == f.doc and f.doc
        assert p["inferred_type_name"].split("[")[0] in {t.__name__ for t in f.types}
    defaults = declared_defaults(name)
    assert check_params(name, dict(defaults)) == defaults


def test_a_second_run_all_in_the_same_kernel_passes_the_check():
    """Names the notebook's own cells assign (P, rep, report, _files …) are not parameters."""
    ns = dict(declared_defaults("unit_report"), P={"old": 1}, rep=object(), report=object())
    assert check_params("unit_report", ns)["unit_code"] == "193"
    with pytest.raises(ParameterError) as ei:
        check_params("unit_report", dict(ns, unit_codes=["193"]))
    assert ei.value.key == "unit_codes"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_cell_comes_first_and_validation_follows(name):
    import nbformat

    nb = nbformat.read(str(NB / f"{name}.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert f'check_params("{name}", globals())' in code[1].source
    for line in code[0].source.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            assert "#" in line.split("=", 1)[1], f"parameter without a comment: {line}"


def _ns(**kw):
    base = dict(declared_defaults(NB / "unit_report.ipynb"))
    base.update(kw)
    return base


def test_unknown_parameter_is_an_error_naming_it():
    with pytest.raises(ParameterError) as ei:
        check_params("unit_report", _ns(unit_cod="193"))
    assert ei.value.key == "unit_cod" and "unit_code" in str(ei.value)


@pytest.mark.parametrize("key,value", [("unit_code", 193), ("unit_code", 7), ("suppress_threshold", True),
                                       ("suppress_threshold", "5"), ("lang", "fr"), ("lang", None),
                                       ("suppress_threshold", -1)])
def test_wrong_type_or_value_is_an_error(key, value):
    with pytest.raises(ParameterError) as ei:
        check_params("unit_report", _ns(**{key: value}))
    assert ei.value.key == key


def test_int_unit_code_error_explains_quoting():
    with pytest.raises(ParameterError, match="quote"):
        check_params("unit_report", _ns(unit_code=7))


def test_list_items_must_be_strings():
    ns = dict(declared_defaults(NB / "province_summary.ipynb"), units=["193", 194])
    with pytest.raises(ParameterError, match="every item"):
        check_params("province_summary", ns)


def test_private_names_and_ipython_names_are_ignored():
    ns = _ns(_check_params=object(), In=[], Out={}, get_ipython=None)
    assert check_params("unit_report", ns)["unit_code"] == "193"


def _batch_files():
    return sorted(p for p in (ROOT / "params").glob("*.yaml")
                  if isinstance(yaml.safe_load(p.read_text(encoding="utf-8")), dict)
                  and "dataset" in yaml.safe_load(p.read_text(encoding="utf-8")))


def test_there_are_batch_files():
    names = {p.name for p in _batch_files()}
    assert {"quang_ninh.yaml", "quang_ninh_2026.yaml"} <= names


@pytest.mark.parametrize("path", _batch_files(), ids=lambda p: p.name)
def test_every_batch_key_is_a_parameter_of_the_notebook_it_feeds(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict) and doc, f"{path.name}: an empty batch file checks nothing"
    declared = {n: declared_defaults(NB / f"{n}.ipynb") for n in ("unit_report", "province_summary")}
    for key in doc:
        assert key in BATCH_KEYS, f"{path.name}: {key!r} is not a batch key"
        for notebook, param in BATCH_KEYS[key].items():
            assert param in declared[notebook], f"{path.name}: {key!r} feeds {param!r}, not a {notebook} parameter"
    # and the quoted-codes rule holds for explicit lists
    if isinstance(doc.get("units"), list):
        assert all(isinstance(u, str) for u in doc["units"])


def _write(tmp_path, text):
    p = tmp_path / "b.yaml"
    p.write_text(text, encoding="utf-8")
    (tmp_path / "observations.csv").write_text("unit_code,indicator_code,year,value\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("body,key,match", [
    ("dataset: {ds}\nunits: all\ncolour: red\n", "colour", "unknown key"),
    ("dataset: {ds}\nunits: [193, 194]\n", "units", "quoted"),
    ("dataset: {ds}\nunits: ['193', '193']\n", "units", "twice"),
    ("dataset: {ds}\nunits: all\njobs: two\n", "jobs", "must be int"),
    ("dataset: {ds}\nunits: all\nlang: fr\n", "lang", "one of"),
    ("dataset: /nonexistent/folder\nunits: all\n", "dataset", "not found"),
    ("units: all\n", "dataset", "missing"),
    ("dataset: {ds}\nrebase: 2025-07-01\n", "rebase", "mapping"),
    ("dataset: {ds}\nsuppress_threshold: yes\n", "suppress_threshold", "must be int"),
    ("dataset: {ds}\nappendices: [docx, pdf]\n", "appendices", "unknown value 'pdf'"),
    ("dataset: {ds}\nappendices: [docx, docx]\n", "appendices", "twice"),
    ("dataset: {ds}\nappendices: docx\n", "appendices", "must be a list"),
])
def test_batch_file_errors_name_file_key_value_and_fix(tmp_path, body, key, match):
    p = _write(tmp_path, body.format(ds=tmp_path))
    with pytest.raises(ParameterError) as ei:
        load_batch_config(p)
    assert ei.value.key == key
    msg = str(ei.value)
    assert str(p) in msg and match in msg and "fix:" in msg


def test_valid_batch_file_is_read_with_absolute_paths(tmp_path):
    p = _write(tmp_path, f"name: t\ndataset: {tmp_path}\nunits: ['07', '193']\nrebase: {{to: '2025-07-01'}}\n"
                         f"output: {tmp_path / 'out'}\njobs: 3\n")
    cfg = load_batch_config(p)
    assert cfg.units == ["07", "193"] and cfg.rebase_to == "2025-07-01" and cfg.jobs == 3
    assert cfg.dataset.is_absolute() and cfg.output == tmp_path / "out"
    assert cfg.unit_notebook == NB / "unit_report.ipynb"


def test_appendix_formats_parameter_refuses_unknown_or_repeated_formats():
    from ctxh_plan.batch.nbparams import APPENDIX_FORMATS
    from ctxh_plan.present.appendices import FORMATS

    assert APPENDIX_FORMATS == FORMATS
    for bad in (["pdf"], ["docx", "docx"], ["docx", 1]):
        with pytest.raises(ParameterError) as ei:
            check_params("unit_report", _ns(appendix_formats=bad))
        assert ei.value.key == "appendix_formats"
    assert check_params("unit_report", _ns(appendix_formats=[]))["appendix_formats"] == []


def test_appendices_key_defaults_to_both_formats_and_accepts_none(tmp_path):
    cfg = load_batch_config(_write(tmp_path, f"dataset: {tmp_path}\n"))
    assert cfg.appendices == ["docx", "xlsx"]
    cfg = load_batch_config(_write(tmp_path, f"dataset: {tmp_path}\nappendices: []\n"))
    assert cfg.appendices == [] and cfg.public()["appendices"] == []
