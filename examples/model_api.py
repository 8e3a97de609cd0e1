"""Serving a scikit-learn model, with concurrent requests micro-batched into one model call.

Run: `uvicorn examples.model_api:app` and open http://127.0.0.1:8000/ — draw a digit (or load
one the model has not seen) and ask for a prediction, or classify a handful of held-out digits
streamed back one event each.

At start-up the lifespan trains a random forest on scikit-learn's bundled 8×8 handwritten
digits (nothing is downloaded), holding a fifth of them out as samples. Every prediction goes
through `batched(model.predict)`: requests that arrive within a few milliseconds of each other
share one call of `predict_proba`, which costs about as much for 32 images as for one.

| request | answer |
| --- | --- |
| `POST /predict` `{"pixels": [64 numbers, 0..16]}` | `{"digit", "confidence", "batch_size"}` |
| `POST /predict/unbatched` (same body) | the same, from a model call of its own (for comparison) |
| `POST /predict/stream` `{"images": [[64 numbers], ...]}` (1 to 64) | SSE: one `prediction` event per image as it is ready (`failed` for one the model could not answer), then `end` |
| `GET /samples?count=16` | held-out digits with their true labels |
| `GET /` | the page |
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import anyio
import anyio.to_thread
import msgspec
import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from examples.layout import page
from lette_fp import App, Event, HTTPError, Request, Response, batched, get, html, json, post, sse
from lette_fp.batching import Batched
from lette_fp.http.body_errors import validation_detail
from lette_fp.streams import merge

log = logging.getLogger("model_api")

MAX_BATCH = 32
MAX_WAIT = 0.005
TREES = 50

Pixels = Annotated[list[Annotated[float, msgspec.Meta(ge=0, le=16)]], msgspec.Meta(min_length=64, max_length=64)]
"""An 8×8 image, row by row; 0 is white and 16 black, as in scikit-learn's digits."""


class Image(msgspec.Struct, forbid_unknown_fields=True):
    """The body of `POST /predict`: one image."""

    pixels: Pixels


class Images(msgspec.Struct, forbid_unknown_fields=True):
    """The body of `POST /predict/stream`: 1 to 64 images."""

    images: Annotated[list[Pixels], msgspec.Meta(min_length=1, max_length=64)]


class Prediction(msgspec.Struct, frozen=True):
    """The model's answer for one image, and how many images the model call that made it had."""

    digit: int
    confidence: float
    batch_size: int


class Streamed(msgspec.Struct, frozen=True):
    """One `prediction` event of the stream: which image (`index` in the request) and its answer."""

    index: int
    digit: int
    confidence: float
    batch_size: int


class Sample(msgspec.Struct, frozen=True):
    """A held-out image and the digit it really is."""

    pixels: list[float]
    label: int


class DigitModel:
    """A fitted classifier, called on many images at once."""

    def __init__(self, classifier: RandomForestClassifier) -> None:
        self.classifier = classifier
        self.classes = [int(label) for label in classifier.classes_]

    def predict(self, images: list[list[float]]) -> list[Prediction]:
        """Return one Prediction per image, from one call of the classifier (blocking: run it in
        a worker thread)."""
        probabilities = self.classifier.predict_proba(np.asarray(images, dtype=np.float64))
        best = probabilities.argmax(axis=1)
        return [
            Prediction(self.classes[column], round(float(row[column]), 4), len(images))
            for row, column in zip(probabilities, best, strict=True)
        ]


def train(seed: int = 0) -> tuple[DigitModel, list[Sample]]:
    """Fit a random forest on four fifths of scikit-learn's digits; return it and the held-out rest."""
    features, labels = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(features, labels, test_size=0.2, random_state=seed, stratify=labels)
    classifier = RandomForestClassifier(n_estimators=TREES, random_state=seed)
    classifier.fit(x_train, y_train)
    samples = [Sample([float(v) for v in x], int(y)) for x, y in zip(x_test, y_test, strict=True)]
    return DigitModel(classifier), samples


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    """Train the model (in a worker thread) and share it, batched, as `req.state`."""
    model, samples = await anyio.to_thread.run_sync(train)
    yield {
        "digits_model": model,
        "predict_digit": batched(model.predict, max_size=MAX_BATCH, max_wait=MAX_WAIT),
        "digit_samples": samples,
    }


def predictor(req: Request) -> Batched[list[float], Prediction]:
    """The batched predict function the lifespan made."""
    return req.state["predict_digit"]  # type: ignore[no-any-return]


async def predict(req: Request, image: Image) -> Response:
    """`POST /predict`: the digit in one image, from a model call shared with concurrent requests."""
    return json(await predictor(req)(image.pixels))


async def predict_unbatched(req: Request, image: Image) -> Response:
    """`POST /predict/unbatched`: the same answer from a model call of its own."""
    model: DigitModel = req.state["digits_model"]
    [answer] = await anyio.to_thread.run_sync(model.predict, [image.pixels])
    return json(answer)


async def _one(fn: Batched[list[float], Prediction], index: int, pixels: list[float]) -> AsyncIterator[Event]:
    try:
        answer = await fn(pixels)
    except HTTPError as exc:
        yield Event({"index": index, "detail": str(exc.detail)}, event="failed")
        return
    except Exception:
        log.exception("prediction %d of a stream failed", index)
        yield Event({"index": index, "detail": "The model failed on this image"}, event="failed")
        return
    yield Event(Streamed(index, answer.digit, answer.confidence, answer.batch_size), event="prediction", id=str(index))


async def _predictions(fn: Batched[list[float], Prediction], images: list[list[float]]) -> AsyncIterator[Event]:
    async with merge(*(_one(fn, index, pixels) for index, pixels in enumerate(images))) as events:
        async for event in events:
            yield event
    yield Event({"count": len(images)}, event="end")


async def predict_stream(req: Request, batch: Images) -> Response:
    """`POST /predict/stream`: every image goes to the batched model at once; each answer is sent
    as a `prediction` event when it is ready (in the order they finish), then an `end` event."""
    return sse(_predictions(predictor(req), batch.images), ping=None)


class SampleQuery(msgspec.Struct, forbid_unknown_fields=True):
    """The query of `GET /samples`."""

    count: Annotated[int, msgspec.Meta(ge=1, le=64)] = 16


def samples(req: Request) -> Response:
    """`GET /samples?count=16`: `count` random held-out digits with their true labels (422 for a
    count that is not 1 to 64)."""
    try:
        query = msgspec.convert(dict(req.query), SampleQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise HTTPError(422, validation_detail(exc, root="query")) from exc
    held_out: list[Sample] = req.state["digit_samples"]
    return json({"samples": random.sample(held_out, query.count)})


SCRIPT = """
const grid = document.getElementById("grid");
const cells = [];
for (let i = 0; i < 64; i++) {
  const cell = document.createElement("div");
  cell.className = "cell";
  cell.dataset.value = "0";
  grid.append(cell);
  cells.push(cell);
}
const shade = (cell, value) => {
  cell.dataset.value = String(value);
  const level = 255 - Math.round(value * 255 / 16);
  cell.style.background = `rgb(${level},${level},${level})`;
};
let drawing = false;
grid.addEventListener("pointerdown", (e) => { drawing = true; paint(e); });
window.addEventListener("pointerup", () => { drawing = false; });
grid.addEventListener("pointermove", (e) => { if (drawing) paint(e); });
function paint(e) {
  const cell = e.target.closest(".cell");
  if (cell) shade(cell, e.shiftKey ? 0 : 16);
}
const pixels = () => cells.map((cell) => Number(cell.dataset.value));
const show = (values) => values.forEach((v, i) => shade(cells[i], v));
const answer = document.getElementById("answer");
const urls = document.getElementById("urls").dataset;

document.getElementById("clear").onclick = () => { show(new Array(64).fill(0)); answer.textContent = ""; };
document.getElementById("sample").onclick = async () => {
  const [sample] = (await (await fetch(urls.samples + "?count=1")).json()).samples;
  show(sample.pixels);
  answer.textContent = "A held-out " + sample.label + ": ask the model.";
};
document.getElementById("predict").onclick = async () => {
  const response = await fetch(urls.predict, {
    method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({pixels: pixels()}),
  });
  const body = await response.json();
  answer.textContent = response.ok
    ? `It looks like a ${body.digit} (confidence ${Math.round(body.confidence * 100)}%)`
    : "Error " + response.status + ": " + JSON.stringify(body.detail);
};

function miniature(values) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 8;
  const context = canvas.getContext("2d");
  values.forEach((v, i) => {
    const level = 255 - Math.round(v * 255 / 16);
    context.fillStyle = `rgb(${level},${level},${level})`;
    context.fillRect(i % 8, Math.floor(i / 8), 1, 1);
  });
  return canvas;
}

document.getElementById("stream").onclick = async () => {
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  results.replaceChildren();
  const count = Math.min(64, Math.max(1, Math.round(Number(document.getElementById("count").value)) || 16));
  const samples = (await (await fetch(urls.samples + "?count=" + count)).json()).samples;
  const tiles = samples.map((sample) => {
    const tile = document.createElement("figure");
    tile.className = "tile pending";
    tile.append(miniature(sample.pixels), document.createElement("figcaption"));
    tile.lastChild.textContent = "…";
    results.append(tile);
    return tile;
  });
  let done = 0, right = 0;
  status.textContent = "streaming…";
  const response = await fetch(urls.stream, {
    method: "POST", headers: {"content-type": "application/json"},
    body: JSON.stringify({images: samples.map((sample) => sample.pixels)}),
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const {value, done: finished} = await reader.read();
    if (finished) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\\n\\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = {};
      for (const line of block.split("\\n")) {
        const split = line.indexOf(": ");
        if (split > 0) fields[line.slice(0, split)] = line.slice(split + 2);
      }
      if (fields.event === "prediction") {
        const item = JSON.parse(fields.data);
        const tile = tiles[item.index];
        const correct = item.digit === samples[item.index].label;
        tile.className = "tile " + (correct ? "right" : "wrong");
        tile.lastChild.textContent = item.digit + (correct ? "" : " (is " + samples[item.index].label + ")");
        tile.title = "confidence " + item.confidence + ", model call of " + item.batch_size;
        done += 1; right += correct ? 1 : 0;
        status.textContent = `streaming… ${done}/${samples.length}`;
      } else if (fields.event === "end") {
        status.textContent = `done: ${right} of ${done} right`;
      }
    }
  }
};
"""

STYLE = """<style>
#grid { display: grid; grid-template-columns: repeat(8, 2rem); gap: 1px; background: #ccc; width: max-content;
        border: 1px solid #999; touch-action: none; user-select: none; cursor: crosshair; }
.cell { width: 2rem; height: 2rem; background: #fff; }
#results { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .8rem; }
.tile { margin: 0; padding: .3rem; border: 2px solid #ddd; border-radius: 4px; text-align: center; }
.tile canvas { width: 48px; height: 48px; image-rendering: pixelated; display: block; }
.tile.right { border-color: #4caf50; } .tile.wrong { border-color: #e53935; } .tile.pending { opacity: .6; }
#answer { font-weight: 600; min-height: 1.5rem; }
</style>"""


def index(req: Request) -> Response:
    """`GET /`: draw a digit and predict it; stream predictions for held-out digits."""
    urls = (
        f'<span id="urls" data-predict="{req.url_for("predict").path}" '
        f'data-stream="{req.url_for("predict_stream").path}" data-samples="{req.url_for("samples").path}"></span>'
    )
    body = (
        "<h1>Digits model</h1>"
        f"<p>A random forest trained at start-up on scikit-learn's 8×8 digits. Concurrent requests "
        f"share one model call (up to {MAX_BATCH} images, waiting at most {MAX_WAIT * 1000:g} ms).</p>"
        "<h2>Draw</h2><p class=muted>Drag to paint, shift-drag to erase.</p>"
        '<div id="grid"></div>'
        '<button id="predict">Predict</button> <button id="sample">Load a held-out digit</button> '
        '<button id="clear">Clear</button><p id="answer"></p>'
        "<h2>Stream</h2><p>Send held-out digits in one request; each prediction comes back as a "
        "server-sent event as soon as it is ready.</p>"
        '<label for="count">How many</label><input id="count" type="number" min="1" max="64" value="16"> '
        '<button id="stream">Classify</button><p id="status" class="muted"></p><div id="results"></div>'
        f"{urls}"
    )
    return html(page("lette_fp digits model", body, SCRIPT, head=STYLE))


app = App(
    [
        get("/", index, name="index"),
        post("/predict", predict, name="predict", max_body_size=16 * 1024),
        post("/predict/unbatched", predict_unbatched, name="predict_unbatched", max_body_size=16 * 1024),
        post("/predict/stream", predict_stream, name="predict_stream", max_body_size=512 * 1024),
        get("/samples", samples, name="samples"),
    ],
    lifespan=lifespan,
)
