"""`static_files(...)`: routes that serve the files under one or more directories.

`mount("/static", static_files(directory="static"))` serves `static/a/b.css` at `/static/a/b.css`
with everything `file` does (ETag, 304, Range). The request path is checked before the disk is
touched (`safe_segments`), and the file found is checked to lie inside its directory after
symlinks are resolved, unless `follow_symlinks`.
"""

from __future__ import annotations

import importlib.util
import os
import stat
from collections.abc import Sequence

import anyio.to_thread
import msgspec

from lette_fp.http.errors import HTTPError
from lette_fp.http.files import file
from lette_fp.http.request import Request
from lette_fp.http.response import Response, redirect
from lette_fp.routing import get
from lette_fp.routing.routes import Route

MAX_NAME_BYTES = 255
"""The longest path segment served (the usual file-system limit); longer ones are 404."""

MAX_PATH_CHARS = 4096
"""The longest relative path served; longer ones are 404."""


class Found(msgspec.Struct, frozen=True):
    """A regular file to serve with `status`."""

    path: str
    stat_result: os.stat_result
    status: int = 200


class AddSlash(msgspec.Struct, frozen=True):
    """A directory with an index.html, asked for without the trailing slash."""


class Denied(msgspec.Struct, frozen=True):
    """Permission to the path was refused."""


class Missing(msgspec.Struct, frozen=True):
    """Nothing to serve."""


Lookup = Found | AddSlash | Denied | Missing


def safe_segments(relative: str) -> list[str] | None:
    """Return the path segments of `relative` (a URL path below the mount), or None when it must
    not be served: a null byte, a backslash, an absolute path (a leading or doubled `/`), a `.` or
    `..` segment, or a name over `MAX_NAME_BYTES` bytes. A trailing `/` is allowed."""
    if len(relative) > MAX_PATH_CHARS or "\0" in relative or "\\" in relative:
        return None
    segments = relative.split("/")
    if segments and segments[-1] == "":
        segments.pop()
    for segment in segments:
        if segment in ("", ".", "..") or len(segment.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            return None
    return segments


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _stat_inside(root: str, segments: list[str], follow_symlinks: bool) -> tuple[str, os.stat_result] | None:
    path = os.path.join(root, *segments)
    checked = os.path.abspath(path) if follow_symlinks else os.path.realpath(path)
    if not _inside(root, checked):
        return None
    return path, os.stat(path)


def lookup(
    roots: Sequence[str], relative: str, html: bool, follow_symlinks: bool, trailing_slash: bool
) -> Lookup:
    """Find what `relative` names under `roots` (the first root holding it wins). Runs file-system
    calls: call it in a worker thread. With `html`, a directory serves its `index.html` when the
    request path ends with a slash (`trailing_slash`), else asks for one; a miss serves `404.html`
    with status 404."""
    segments = safe_segments(relative)
    if segments is None:
        return Missing()
    for root in roots:
        try:
            found = _stat_inside(root, segments, follow_symlinks)
            if found is None:
                continue
            path, info = found
            if stat.S_ISREG(info.st_mode):
                return Found(path, info)
            if html and stat.S_ISDIR(info.st_mode):
                index = _stat_inside(root, [*segments, "index.html"], follow_symlinks)
                if index is not None and stat.S_ISREG(index[1].st_mode):
                    if not trailing_slash:
                        return AddSlash()
                    return Found(*index)
        except PermissionError:
            return Denied()
        except (OSError, ValueError):
            continue
    if html:
        for root in roots:
            try:
                page = _stat_inside(root, ["404.html"], follow_symlinks)
            except OSError:
                continue
            if page is not None and stat.S_ISREG(page[1].st_mode):
                return Found(page[0], page[1], 404)
    return Missing()


def _package_directory(package: str | tuple[str, str]) -> str:
    name, subdir = (package, "statics") if isinstance(package, str) else package
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"static_files: package {name!r} can't be found")
    return os.path.join(os.path.dirname(spec.origin), subdir)


def _roots(directory: str | os.PathLike[str] | None, packages: Sequence[str | tuple[str, str]] | None) -> list[str]:
    candidates = [os.fspath(directory)] if directory is not None else []
    candidates += [_package_directory(package) for package in packages or ()]
    if not candidates:
        raise ValueError("static_files needs a directory or packages")
    roots = []
    for candidate in candidates:
        if not os.path.isdir(candidate):
            raise RuntimeError(f"static_files: directory {candidate!r} does not exist")
        roots.append(os.path.realpath(candidate))
    return roots


def static_files(
    directory: str | os.PathLike[str] | None = None,
    packages: Sequence[str | tuple[str, str]] | None = None,
    html: bool = False,
    follow_symlinks: bool = False,
) -> list[Route]:
    """Return routes (GET and HEAD; other methods 405) serving the files under `directory` and the
    `statics` folder (or a named one: `("pkg", "assets")`) of each package in `packages`.

    Mount them: `mount("/static", static_files(directory="static"))`. A path that would leave the
    directory (`..`, a symlink pointing outside unless `follow_symlinks`, a null byte, a backslash,
    an absolute path, an over-long name) is 404; a permission error is 401. `html=True` serves
    `index.html` for a directory (redirecting `/dir` to `/dir/`) and `404.html` with status 404 for
    a miss. A missing directory raises RuntimeError here, when the app is being built. The routes
    are left out of the OpenAPI document (`include_in_schema=False`).
    """
    roots = _roots(directory, packages)

    async def serve_static(req: Request) -> Response:
        relative = req.path_params.get("path", "")
        trailing_slash = req.path.endswith("/")
        found = await anyio.to_thread.run_sync(lookup, roots, relative, html, follow_symlinks, trailing_slash)
        if isinstance(found, Found):
            return file(found.path, stat_result=found.stat_result, status=found.status)
        if isinstance(found, AddSlash):
            query = req.query_string.decode("latin-1")
            return redirect(req.path + "/" + ("?" + query if query else ""))
        if isinstance(found, Denied):
            raise HTTPError(401)
        raise HTTPError(404)

    return [get("/", serve_static, include_in_schema=False), get("/{path:path}", serve_static, include_in_schema=False)]
