"""The layers hold (import-linter, as CI runs it), a violation is caught, and every port
has its provider once the apps are ready."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from assessments.ports import band_worsened
from core.ports import Port
from registry.ports import rescore_requested
from shipments.ports import case_assess, cases_assess, reference_load

ROOT = Path(__file__).resolve().parents[2]
# The packages the contracts cover, as pyproject.toml names them.
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]
LINT = [str(Path(sys.executable).with_name("lint-imports"))]


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(LINT, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_contracts_hold_on_the_code_as_it_is():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in done.stdout


@pytest.mark.parametrize(
    ("path", "line", "reported"),
    [
        # A lazy (function-level) upward import, as the old code had.
        (
            "registry/services/changes.py",
            "\n\ndef _sneak():\n    from assessments.tasks import sweep\n\n    return sweep\n",
            "registry.services.changes -> assessments.tasks",
        ),
        # The method reaching for the database.
        (
            "method/engine.py",
            "\nfrom registry.models import Producer  # noqa: F401\n",
            "method.engine -> registry.models",
        ),
    ],
)
def test_a_deliberate_violation_fails_the_check(tmp_path, path, line, reported):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / path).open("a") as f:
        f.write(line)
    done = _lint(tmp_path)
    assert done.returncode == 1
    assert reported in " ".join(done.stdout.split())


def test_every_port_has_its_provider_once_the_apps_are_ready():
    assert rescore_requested.provider is not None
    assert case_assess.provider is not None
    assert rescore_requested.provider.__module__ == "assessments.entrypoints"
    assert case_assess.provider.__module__ == "assessments.entrypoints"
    assert cases_assess.provider.__module__ == "assessments.entrypoints"
    assert reference_load.provider.__module__ == "assessments.entrypoints"
    assert band_worsened.provider.__name__ == "band_worsened_queue"


def test_a_port_without_provider_fails_loudly_and_takes_one_provider():
    port: Port[int] = Port("test.port", provided_by="nobody", doc="for the test")
    with pytest.raises(ImproperlyConfigured, match=r"test\.port has no provider"):
        port(x=1)

    def provider(*, x):
        return x + 1

    port.provide(provider)
    port.provide(provider)  # the same provider again (a second ready()) is harmless
    assert port(x=1) == 2
    with pytest.raises(ImproperlyConfigured, match="already has a provider"):
        port.provide(lambda *, x: x)


def _service_functions():
    import ast

    for path in sorted(ROOT.glob("*/services/*.py")) + sorted(ROOT.glob("*/services.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield path.relative_to(ROOT), node


def test_services_take_typed_keyword_arguments_and_writes_take_only_keywords():
    untyped, positional = [], []
    for path, fn in _service_functions():
        untyped += [f"{path}:{fn.name}({a.arg})" for a in fn.args.kwonlyargs if not a.annotation]
        writes = any(
            "atomic" in getattr(d, "attr", getattr(d, "id", "")) for d in fn.decorator_list
        )
        if writes and fn.args.args:
            positional.append(f"{path}:{fn.name}")
    assert untyped == []
    assert positional == []
