"""Cheap scans of the source for patterns the design rules out."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core import terms

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dashboard"
UI_ALLOWED = ("ui/",)


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_layers_only_look_down_streamlit_stays_in_the_ui():
    leaks = [
        str(path.relative_to(PACKAGE)) for path in _sources()
        if re.search(r"^\s*(import streamlit|from streamlit)", path.read_text(), re.M)
        and not str(path.relative_to(PACKAGE)).startswith(UI_ALLOWED)
    ]
    assert leaks == []


SQL_FORMATTING = re.compile(
    r"""(execute|sql\s*=)\s*\(?\s*f?["'].*(SELECT|INSERT|DELETE|UPDATE).*(\.format\(|%\s*\()""",
    re.I,
)


def test_sql_is_never_built_with_format_or_percent():
    offenders = [str(p) for p in _sources() if SQL_FORMATTING.search(p.read_text())]
    assert offenders == []


def test_f_string_sql_only_in_the_store_and_marked():
    """f-string SQL may only splice whitelisted fragments, and says so with a noqa mark."""
    pattern = re.compile(r'f"[^"]*\b(SELECT|INSERT|DELETE|UPDATE)\b')
    for path in _sources():
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, 1):
            if pattern.search(line):
                around = lines[max(number - 2, 0): number + 1]
                assert any("noqa: S608" in n for n in around), f"{path}:{number}: {line.strip()}"


def test_no_unsafe_html_with_data():
    for path in _sources():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "unsafe_allow_html=True" in line:
                # Only fixed CSS strings may pass; the call must not format anything in.
                assert "f\"" not in line and ".format(" not in line, f"{path}:{number}"


@pytest.mark.skipif(not (Path(sys.executable).parent / "ruff").exists(), reason="ruff missing")
def test_ruff_is_clean():
    done = subprocess.run([str(Path(sys.executable).parent / "ruff"), "check", "."], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


# -- the import graph -----------------------------------------------------------------

# Folders of dashboard/ from the bottom up; a module may import its own folder and
# any folder below it.  cli and ui are siblings at the top: neither imports the other.
LAYERS = ("core", "reference", "data", "rates", "analysis", "present", "jobs", "ui", "cli")
SIBLINGS = {frozenset({"ui", "cli"})}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[ast.stmt, str, bool]]:
    """(node, imported dotted name, at module top level) for every import of ``dashboard``."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    # Imports for type hints only (``if TYPE_CHECKING:``) neither run nor form cycles.
    typing_only = {id(inner) for node in tree.body if isinstance(node, ast.If)
                   and ast.unparse(node.test).endswith("TYPE_CHECKING") for inner in node.body}
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            found += [(node, name, id(node) in top) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node, alias.name, id(node) in top) for alias in node.names]
    return [(node, name, top_level) for node, name, top_level in found
            if name == "dashboard" or name.startswith("dashboard.")]


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in _sources()}

    def owner(name: str) -> str:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        return name

    return {name: {owner(imported) for _, imported, _ in _imports(path)} - {name}
            for name, path in modules.items()}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_layers_only_look_down():
    upward = []
    for module, imported in _graph().items():
        for target in imported:
            low, high = _layer(target), _layer(module)
            if low is None or high is None or low == high:
                continue
            if frozenset({low, high}) in SIBLINGS or LAYERS.index(low) > LAYERS.index(high):
                upward.append(f"{module} -> {target}")
    assert sorted(set(upward)) == []


def test_every_module_belongs_to_a_layer():
    loose = [m for m in _graph() if _layer(m) is None
             and m not in ("dashboard", "dashboard.__main__")]
    assert loose == []


def test_no_import_cycles_between_modules():
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(trail[trail.index(target):] + [module, target]))
            elif target in graph and target not in state:
                visit(target, trail + [module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert cycles == []


def test_imports_of_our_modules_are_at_the_top():
    local = [f"{path.relative_to(ROOT)}:{node.lineno} {name}"
             for path in _sources() for node, name, top_level in _imports(path) if not top_level]
    assert local == []


def test_no_import_error_guards():
    guards = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = ast.unparse(node.type)
                if "ImportError" in caught or "ModuleNotFoundError" in caught:
                    guards.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert guards == []


def test_tests_never_importorskip_our_own_modules():
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for path in sorted((ROOT / "tests").rglob("*.py")) if path.name != "test_style.py"
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if re.search(r"importorskip\(\s*[\"']dashboard", line)]
    assert offenders == []


# The widgets and pages read and write through the façade (ui/queries.py, ui/actions.py).
BEHIND_THE_FACADE = ("dashboard.data.store", "dashboard.data.ingest", "dashboard.data.sources",
                     "dashboard.rates.refresh", "dashboard.rates.files",
                     "dashboard.rates.bundled", "dashboard.present.deck")


def test_widgets_and_pages_go_through_the_facade():
    around = [f"{path.relative_to(ROOT)}:{node.lineno} {name}"
              for folder in ("widgets", "pages")
              for path in sorted((PACKAGE / "ui" / folder).rglob("*.py"))
              for node, name, _ in _imports(path)
              if name.startswith(BEHIND_THE_FACADE) and not name.endswith("TickerItem")]
    assert around == []


def test_each_term_is_written_once():
    """A literal list of measures, currencies or HS levels outside core/terms.py will drift."""
    words = {frozenset(terms.MEASURES): "MEASURES", frozenset(terms.DISPLAY_CURRENCIES):
             "DISPLAY_CURRENCIES", frozenset(terms.RATE_CURRENCIES): "RATE_CURRENCIES",
             frozenset(map(str, terms.HS_LEVELS)): "HS_LEVELS",
             frozenset(terms.TABLE_COLUMNS): "TABLE_COLUMNS"}
    copies = []
    for path in _sources():
        if path.name == "terms.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Tuple | ast.List) and len(node.elts) >= 3 and all(
                    isinstance(e, ast.Constant) for e in node.elts):
                found = frozenset(str(e.value) for e in node.elts)
                if found in words:
                    copies.append(f"{path.relative_to(ROOT)}:{node.lineno} {words[found]}")
    assert copies == []


def test_documents_the_code_cites_exist():
    """Docstrings point to docs/*.md; each must be in the repository (FORMATS.md was not)."""
    cited = {(path.relative_to(ROOT), match)
             for path in _sources()
             for match in re.findall(r"\b((?:docs/)?[A-Za-z_]+\.md)\b", path.read_text())}
    missing = [f"{path}: {name}" for path, name in sorted(cited)
               if not (ROOT / name).exists() and not (ROOT / "docs" / name).exists()
               and not (PACKAGE / path.relative_to("dashboard").parent / name).exists()]
    assert missing == []


CYRILLIC = re.compile(r"[\u0400-\u04FF]")
RUSSIAN_TEXT_ALLOWED = (
    "core/i18n.py",          # the one home of every RU/EN label
    "reference/",            # names of regions, countries, HS codes, units; case forms
    "data/sources/",         # the publishers' own headers and words, matched when parsing
    "analysis/narrative.py",  # grammar of the summary: month inflections, case forms, years
)


def _docstrings(tree: ast.Module) -> set[int]:
    """ids of the string statements: docstrings of modules, classes, functions and attributes."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)}


def test_russian_text_lives_in_i18n():
    """A Russian string outside core/i18n.py is a second definition of a user-facing text."""
    found = []
    for path in _sources():
        relative = str(path.relative_to(PACKAGE))
        if relative.startswith(RUSSIAN_TEXT_ALLOWED):
            continue
        tree = ast.parse(path.read_text())
        skipped = _docstrings(tree)
        found += [f"{relative}:{node.lineno} {node.value[:40]!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in skipped and CYRILLIC.search(node.value)]
    assert found == []
