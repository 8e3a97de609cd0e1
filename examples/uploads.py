"""Upload files with a multipart form (within limits), download them back with Range support.

Run: `uvicorn examples.uploads:app` and open http://127.0.0.1:8000/. The page uploads with
`XMLHttpRequest`, so it shows a progress bar, and shows the reason when an upload is refused
(413 over the size limit, 400 for too many files, 507 when the directory is full). Downloads are
`file()` responses: `Content-Length` (browsers show progress), `Range` (resumable), `ETag`.

Configuration, read once at start-up from the environment:

- `UPLOADS_DIR`: where files are kept (default: `lette_fp-uploads` in the system's temporary
  directory; created when the app starts);
- `UPLOADS_MAX_BYTES`: the largest upload request (default 10 MiB);
- `UPLOADS_MAX_FILES`: files per upload (default 5);
- `UPLOADS_QUOTA_BYTES`: what the directory may hold in all (default 200 MiB).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

import anyio
import anyio.to_thread
import msgspec

from examples.layout import page
from lette_fp import (
    App,
    HTTPError,
    Request,
    Response,
    UploadFile,
    delete,
    empty,
    file,
    get,
    html,
    json,
    post,
)

MiB = 1024 * 1024


class Settings(msgspec.Struct, frozen=True):
    """Where uploads go and how much is accepted."""

    directory: Path
    max_request_bytes: int = 10 * MiB
    max_files: int = 5
    quota_bytes: int = 200 * MiB

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Return the settings from `UPLOADS_DIR`, `UPLOADS_MAX_BYTES`, `UPLOADS_MAX_FILES` and
        `UPLOADS_QUOTA_BYTES`, with the defaults for those not set."""
        default = cls(Path(tempfile.gettempdir()) / "lette_fp-uploads")
        return cls(
            directory=Path(env.get("UPLOADS_DIR") or default.directory),
            max_request_bytes=int(env.get("UPLOADS_MAX_BYTES") or default.max_request_bytes),
            max_files=int(env.get("UPLOADS_MAX_FILES") or default.max_files),
            quota_bytes=int(env.get("UPLOADS_QUOTA_BYTES") or default.quota_bytes),
        )


class StoredFile(msgspec.Struct, frozen=True):
    """What is known about a stored upload (kept next to it as `<id>.json`)."""

    id: str
    name: str
    size: int
    uploaded_at: str


def human_size(size: int) -> str:
    """Return `size` in bytes as a short text: `512 bytes`, `1.5 KiB`, `10 MiB`."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def clean_name(filename: str) -> str:
    """Return the client's file name fit for display and `Content-Disposition`: the last path
    segment, without control characters, at most 120 characters. It is never used as a path."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[:120]
    return "upload" if name.strip(".") == "" else name


class Store:
    """The upload directory. Every method touches the disk: call them in a worker thread.

    Each upload is kept as `<id>.bin` (the bytes, under a random id: the client's name is never a
    path) and `<id>.json` (its `StoredFile`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.directory = settings.directory
        self.lock = anyio.Lock()

    def content_path(self, file_id: uuid.UUID) -> Path:
        """Where the bytes of upload `file_id` are."""
        return self.directory / f"{file_id.hex}.bin"

    def find(self, file_id: uuid.UUID) -> StoredFile | None:
        """Return the upload's description, or None if there is no such upload."""
        try:
            return msgspec.json.decode((self.directory / f"{file_id.hex}.json").read_bytes(), type=StoredFile)
        except (FileNotFoundError, msgspec.DecodeError):
            return None

    def list(self, limit: int = 100) -> list[StoredFile]:
        """Return the `limit` most recent uploads, newest first."""
        found = []
        for meta in self.directory.glob("*.json"):
            try:
                found.append(msgspec.json.decode(meta.read_bytes(), type=StoredFile))
            except (FileNotFoundError, msgspec.DecodeError):
                continue
        found.sort(key=lambda f: f.uploaded_at, reverse=True)
        return found[:limit]

    def used(self) -> int:
        """Return the bytes the stored uploads take."""
        return sum(path.stat().st_size for path in self.directory.glob("*.bin"))

    def save(self, source: IO[bytes], name: str) -> StoredFile:
        """Copy `source` (from its start) into the directory under a new id and return it. The
        bytes are written to a temporary name first, so a listing never shows a partial file."""
        file_id = uuid.uuid4()
        target = self.content_path(file_id)
        partial = target.with_suffix(".part")
        source.seek(0)
        with partial.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        partial.replace(target)
        stored = StoredFile(file_id.hex, name, target.stat().st_size, datetime.now(UTC).isoformat())
        (self.directory / f"{file_id.hex}.json").write_bytes(msgspec.json.encode(stored))
        return stored

    def delete(self, file_id: uuid.UUID) -> bool:
        """Remove the upload; return whether it existed."""
        meta = self.directory / f"{file_id.hex}.json"
        existed = meta.exists()
        meta.unlink(missing_ok=True)
        self.content_path(file_id).unlink(missing_ok=True)
        return existed


def describe(req: Request, stored: StoredFile) -> dict[str, Any]:
    """The JSON for one upload, with its download URL."""
    url = req.url_for("download", id=uuid.UUID(stored.id)).path
    return {"id": stored.id, "name": stored.name, "size": stored.size, "uploaded_at": stored.uploaded_at, "url": url}


def store_of(req: Request) -> Store:
    """The `Store` the lifespan made."""
    store: Store = req.state["uploads"]
    return store


async def list_files(req: Request) -> Response:
    """`GET /files`: the most recent uploads, newest first."""
    files = await anyio.to_thread.run_sync(store_of(req).list)
    return json({"files": [describe(req, f) for f in files]})


async def upload(req: Request) -> Response:
    """`POST /files`: store every file of the form's `file` field; 201 with their descriptions.

    Refused: a request over `max_request_bytes` (413), more than `max_files` files or an
    oversized field (400), no file chosen (400), a full directory (507)."""
    store = store_of(req)
    form = await req.form(max_files=store.settings.max_files, max_fields=5, max_part_size=1024)
    uploads = [value for value in form.getall("file") if isinstance(value, UploadFile) and value.filename]
    if not uploads:
        raise HTTPError(400, "Choose a file to upload")
    async with store.lock:
        used = await anyio.to_thread.run_sync(store.used)
        if used + sum(u.size for u in uploads) > store.settings.quota_bytes:
            raise HTTPError(507, f"The upload directory is full ({human_size(store.settings.quota_bytes)} in all)")
        saved = [await anyio.to_thread.run_sync(store.save, u.file, clean_name(u.filename or "")) for u in uploads]
    return json({"files": [describe(req, s) for s in saved]}, status=201)


async def download(req: Request, id: uuid.UUID) -> Response:
    """`GET /files/{id}`: the file as an attachment, with `Content-Length`, `Range` and `ETag`."""
    store = store_of(req)
    stored = await anyio.to_thread.run_sync(store.find, id)
    if stored is None:
        raise HTTPError(404, "No such upload")
    return file(store.content_path(id), filename=stored.name, headers={"x-content-type-options": "nosniff"})


async def remove(req: Request, id: uuid.UUID) -> Response:
    """`DELETE /files/{id}`: 204, or 404 when there was no such upload."""
    if not await anyio.to_thread.run_sync(store_of(req).delete, id):
        raise HTTPError(404, "No such upload")
    return empty(204)


SCRIPT = """
const form = document.getElementById("upload");
const bar = document.getElementById("progress");
const percent = document.getElementById("percent");
const result = document.getElementById("result");
const list = document.getElementById("files");

function show(kind, message) {
  result.className = kind;
  result.textContent = message;
  result.hidden = false;
}

function size(n) {
  if (n < 1024) return n + " bytes";
  for (const unit of ["KiB", "MiB", "GiB"]) { n /= 1024; if (n < 1024 || unit === "GiB") return n.toFixed(1).replace(/\\.0$/, "") + " " + unit; }
}

async function refresh() {
  const answer = await (await fetch(list.dataset.url)).json();
  list.replaceChildren(...answer.files.map((f) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = f.url;
    link.textContent = f.name;
    const remove = document.createElement("button");
    remove.textContent = "Delete";
    remove.onclick = async () => { await fetch(f.url, {method: "DELETE"}); refresh(); };
    item.append(link, " (" + size(f.size) + ") ", remove);
    return item;
  }));
  document.getElementById("empty").hidden = answer.files.length > 0;
}

form.onsubmit = (event) => {
  event.preventDefault();
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.responseType = "json";
  bar.value = 0;
  percent.textContent = "";
  result.hidden = true;
  request.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    bar.max = e.total;
    bar.value = e.loaded;
    percent.textContent = Math.round(100 * e.loaded / e.total) + "%";
  };
  request.onload = () => {
    const detail = request.response && request.response.detail;
    if (request.status === 201) {
      const names = request.response.files.map((f) => f.name).join(", ");
      show("ok", "Uploaded " + names);
      form.reset();
      refresh();
    } else {
      show("error", "Refused (" + request.status + "): " + (detail || "no reason given"));
    }
  };
  request.onerror = () => show("error", "The upload failed: the connection was closed.");
  request.send(new FormData(form));
};

refresh();
"""


def index(req: Request) -> Response:
    """`GET /`: the upload form and the list of uploads."""
    settings = store_of(req).settings
    files_url = req.url_for("files").path
    body = (
        "<h1>Uploads</h1>"
        f"<p>Up to <b>{settings.max_files} files</b> and <b>{human_size(settings.max_request_bytes)}</b> per upload. "
        "Downloads support <code>Range</code>, so they can resume.</p>"
        f'<form id="upload" method="post" action="{files_url}" enctype="multipart/form-data">'
        '<input type="file" id="file" name="file" multiple required> <button type="submit">Upload</button>'
        '<br><progress id="progress" value="0" max="1"></progress> <span id="percent"></span></form>'
        '<p id="result" hidden></p>'
        f'<h2>Files</h2><ul id="files" data-url="{files_url}"></ul><p id="empty" class="muted">Nothing uploaded yet.</p>'
    )
    return html(page("Uploads", body, SCRIPT, head="<style>progress { width: 24rem; max-width: 70%; }</style>"))


def create_app(settings: Settings | None = None) -> App:
    """Return the uploads App for `settings` (default: from the environment)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Store]]:
        await anyio.Path(settings.directory).mkdir(parents=True, exist_ok=True)
        yield {"uploads": Store(settings)}

    def too_large(req: Request, exc: Exception) -> Response:
        return json({"detail": f"Uploads are limited to {human_size(settings.max_request_bytes)} per request"}, status=413)

    return App(
        routes=[
            get("/", index, name="index"),
            get("/files", list_files, name="files"),
            post("/files", upload, max_body_size=settings.max_request_bytes),
            get("/files/{id:uuid}", download, name="download"),
            delete("/files/{id:uuid}", remove),
        ],
        lifespan=lifespan,
        exception_handlers={413: too_large},
    )


app = create_app()
