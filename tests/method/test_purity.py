"""The method stays pure: no Django, no clock, no I/O."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import method

PACKAGE = Path(method.__file__).parent
FORBIDDEN_MODULES = ("django", "registry", "shipments", "notifications", "api", "config")
FORBIDDEN_CALLS = ("now", "today", "utcnow", "open")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_imports_django_or_the_apps() -> None:
    for path in _modules():
        roots = _imported_roots(ast.parse(path.read_text(encoding="utf-8")))
        assert not roots & set(FORBIDDEN_MODULES), path


def test_no_module_reads_the_clock_or_files() -> None:
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                assert name not in FORBIDDEN_CALLS, f"{path}: {name}()"


def test_importing_the_method_loads_no_django() -> None:
    code = (
        "import sys, method, method.engine; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "sys.exit(1 if bad else 0)"
    )
    root = PACKAGE.parent
    completed = subprocess.run([sys.executable, "-c", code], cwd=root, check=False)
    assert completed.returncode == 0
