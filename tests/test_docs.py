"""Every Python code block in README.md and docs/**/*.md runs, and the docs site builds strictly.

How a page's ```python blocks are run (one page = one fresh module namespace, in a fresh temporary
working directory that is also on sys.path, blocks in page order):

- a plain block is executed in the page's namespace (its `__name__` is not "__main__", so an
  `if __name__ == "__main__":` part shows how to start something without starting it here);
- a block with `title="some/file.py"` is written to that file instead, so later blocks can import
  it; when the file's name starts with `test_`, pytest runs it (in a subprocess, in that
  directory, so fixtures, marks and async tests work as they do in a project);
- a block whose first line is `# no-run: <why>` is not run. The reason is required: keep these
  rare, for snippets that are partial on purpose.

New pages are found automatically.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("**/*.md")])

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
TITLE = re.compile(r'title="([^"]+)"')
NO_RUN = re.compile(r"#\s*no-run\b:?\s*(?P<why>.*)")


@dataclass(frozen=True)
class Block:
    """One ```python block: where it starts, its code, and its file name when it has a title."""

    line: int
    code: str
    title: str | None


def python_blocks(markdown: str) -> list[Block]:
    """Return the page's python blocks in order, dedented, without the `# no-run` ones.

    A `# no-run` line without a reason raises ValueError."""
    blocks = []
    for match in FENCE.finditer(markdown):
        info = match.group("info").strip()
        language = info.split(None, 1)[0].lower() if info else ""
        if language not in ("python", "py"):
            continue
        indent = match.group("indent")
        code = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in match.group("body").splitlines())
        line = markdown.count("\n", 0, match.start()) + 1
        first = code.lstrip("\n").split("\n", 1)[0]
        skip = NO_RUN.match(first)
        if skip:
            if not skip.group("why").strip():
                raise ValueError(f"line {line}: `# no-run` needs a reason: `# no-run: <why>`")
            continue
        title = TITLE.search(info)
        blocks.append(Block(line, code + "\n", title.group(1) if title else None))
    return blocks


def run_page(page: Path, workdir: Path) -> None:
    """Run every python block of `page` in order, in `workdir`, in one namespace."""
    module = types.ModuleType(f"docs_page_{page.stem.replace('-', '_')}")
    module.__file__ = str(workdir / f"{page.stem}.md.py")
    sys.modules[module.__name__] = module
    written: list[str] = []
    pending: list[tuple[Path, str]] = []
    try:
        for block in python_blocks(page.read_text(encoding="utf-8")):
            where = f"{page.relative_to(ROOT)}:{block.line}"
            if block.title is None:
                _run_pytest(pending, workdir)
                exec(compile(block.code, where, "exec"), module.__dict__)
                continue
            target = workdir / block.title
            if target.exists():
                _run_pytest(pending, workdir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.code, encoding="utf-8")
            name = ".".join(Path(block.title).with_suffix("").parts)
            written.append(name)
            _forget(name)
            if Path(block.title).name.startswith("test_"):
                pending.append((target, where))
        _run_pytest(pending, workdir)
    finally:
        sys.modules.pop(module.__name__, None)
        for name in written:
            _forget(name)


def _forget(name: str) -> None:
    for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[loaded]


def _run_pytest(pending: list[tuple[Path, str]], workdir: Path) -> None:
    """Run the test files written so far in one pytest process (before anything they import
    is overwritten, and before the next plain block), then forget them."""
    if not pending:
        return
    files = [str(target) for target, _ in pending]
    where = ", ".join(w for _, w in pending)
    pending.clear()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(workdir), *files],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"{where}: pytest failed\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_python_block_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    run_page(page, tmp_path)


def test_the_runner_reads_titles_skips_with_reasons_and_runs_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Intro\n\n```python title=\"shop/prices.py\"\nPRICE = 3\n```\n\n"
        "```python\nfrom shop.prices import PRICE\ntotal = PRICE * 2\n```\n\n"
        "- in a list:\n\n    ```python\n    total += 1\n    ```\n\n"
        "```python\n# no-run: shows a fragment\nundefined_name\n```\n\n"
        "```python title=\"test_total.py\"\nfrom shop.prices import PRICE\n\ndef test_price():\n    assert PRICE == 4\n```\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    assert [(b.line, b.title) for b in blocks] == [(3, "shop/prices.py"), (7, None), (14, None), (23, "test_total.py")]
    assert blocks[2].code == "total += 1\n"
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="page.md:23: pytest failed(.|\n)*assert 3 == 4"):
        run_page(page, tmp_path)
    assert (tmp_path / "shop" / "prices.py").read_text() == "PRICE = 3\n"
    assert "shop.prices" not in sys.modules


def test_a_no_run_block_must_say_why() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        python_blocks("```python\n# no-run\nx\n```\n")


def test_the_docs_site_builds_in_strict_mode(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    for name in ("lette_fp.app.App", "lette_fp.http.request.Request", "lette_fp.routing.routes.mount", "lette_fp.testing.TestClient"):
        assert f'id="{name}"' in reference, name
