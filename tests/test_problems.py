"""Problems are registered codes with templates, never inline messages, and say themselves in either language."""

from __future__ import annotations

import ast
from datetime import date

from etl import docs
from etl.problems import PROBLEM_TYPES, Both, Joined, Msg, Num, Refusal, problem, say, unreadable
from monitor.i18n import N_
from tests.conftest import ROOT

SOURCES = ("etl", "monitor", "ui", "pages")
# functions that make a problem (or an exception carrying one) from a registered code as their first argument
FACTORIES = {"problem": None, "unreadable": None, "_unsafe": None, "FormatError": None, "_err": "etl/targets.py"}


def _calls(name: str):
    """(file, call) for every call of a function or class called ``name`` in the product's code."""
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    func = node.func
                    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) \
                        else None
                    if called == name:
                        yield path.relative_to(ROOT).as_posix(), node


def test_no_problem_is_made_with_an_inline_message():
    """``Problem(code, severity, "Text …")`` bypasses the registry; only ``etl.problems.problem`` makes one."""
    made = [(f, node.lineno) for f, node in _calls("Problem")]
    assert [f for f, _ in made] == ["etl/problems.py"], made
    (_, call), = [(f, n) for f, n in _calls("Problem")]
    assert not any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args[2:]), \
        "the one Problem() in etl/problems.py passes the template's parameters, not a text"


def test_every_code_named_in_the_code_is_registered():
    codes = []
    for name, only in FACTORIES.items():
        for f, node in _calls(name):
            if only and f != only:
                continue
            literal = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if literal:
                codes.append((f, node.lineno, literal[0]))
            if name in ("problem", "unreadable", "_unsafe") and len(node.args) > 1:
                raise AssertionError(f"{f}:{node.lineno}: {name}() takes the code, then keyword parameters only")
    unknown = [c for c in codes if c[2] not in PROBLEM_TYPES]
    assert len(codes) > 100 and not unknown, unknown


def test_every_code_is_documented_with_its_template():
    text = docs.render()
    for code, ptype in PROBLEM_TYPES.items():
        assert f"| `{code}` | {ptype.severity} |" in text
        assert ptype.template.replace("|", "\\|").replace("\n", " ") in text


def test_a_problem_keeps_code_and_parameters_and_says_itself_in_both_languages():
    p = problem("not-integer", row=3, column="Plätze Frauen", value="zwölf", sheet="Daten")
    assert (p.code, p.row, p.column, p.value, p.sheet) == ("not-integer", 3, "Plätze Frauen", "zwölf", "Daten")
    assert p.message == p.text("de") == ("Blatt „Daten“, Zeile 3, Spalte „Plätze Frauen“: „zwölf“ ist keine ganze "
                                         "Zahl. Erwartet: eine ganze Zahl ≥ 0, z. B. 12.")
    assert p.text("en").startswith("Sheet „Daten“, row 3, column „Plätze Frauen“: „zwölf“ is not a whole number.")
    assert p.body("en") == p.text("en").split(": ", 1)[1]
    assert p.as_json()["message"] == p.message  # the JSON report stays German


def test_parameters_are_rendered_per_language():
    assert say(Num(1820.5, 1), "de") == "1.820,5" and say(Num(1820.5, 1), "en") == "1,820.5"
    assert say(Num(110.0, 1, trim=True), "de") == "110" and say(Num(200.06, 1, trim=True), "de") == "200,1"
    assert say(date(2026, 1, 1), "de") == "01.01.2026" and say(date(2026, 1, 1), "en") == "1 Jan 2026"
    assert say(Both("Beratung", "Counselling"), "en") == "Counselling"
    assert say(Joined(("a", Num(1000)), "; "), "de") == "a; 1.000" and say(["x", "y"]) == "x, y"
    fragment = Msg(N_("{n} Kreise"), n=Num(1820))
    assert fragment == "1.820 Kreise" and isinstance(fragment, str) and fragment.text("en").startswith("1,820 ")
    nested = problem("bad-region", value="05O13")
    assert "„05O13“" in nested.text("en") and nested.text("en") != nested.message


def test_refusals_say_themselves_and_stay_german_as_strings():
    exc = unreadable("empty-file", file="leer.csv")
    assert str(exc) == exc.problem.message and exc.code == "empty-file"
    assert exc.text("en") != str(exc) and "leer.csv" in exc.text("en")
    refusal = Refusal(N_("Batch {batch} gibt es nicht (siehe „python -m etl history“)."), batch=7)
    assert str(refusal) == "Batch 7 gibt es nicht (siehe „python -m etl history“)."
    assert refusal.text("en").startswith("Batch 7 ")
