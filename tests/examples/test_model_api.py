"""The digits model example: a scikit-learn model trained at start-up, served batched, as JSON and SSE."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest

from examples import model_api
from examples.showcase.app import create_app
from examples.showcase.catalog import EXAMPLES
from lette_fp import App, batched, post
from lette_fp.testing import AsyncTestClient, TestClient
from tests.servers import run_uvicorn


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(model_api.app) as client:
        yield client


def events_of(body: str) -> list[tuple[str, Any]]:
    events = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def samples(client: TestClient, count: int) -> list[dict[str, Any]]:
    answer = client.get("/samples", params={"count": count})
    assert answer.status_code == 200
    return list(answer.json()["samples"])


def test_the_model_trained_at_start_up_recognises_digits_it_has_not_seen(client: TestClient) -> None:
    held_out = samples(client, 64)
    assert len(held_out) == 64 and all(len(s["pixels"]) == 64 for s in held_out)
    right = 0
    for sample in held_out:
        answer = client.post("/predict", json={"pixels": sample["pixels"]})
        assert answer.status_code == 200
        body = answer.json()
        assert set(body) == {"digit", "confidence", "batch_size"}
        assert 0 < body["confidence"] <= 1
        right += body["digit"] == sample["label"]
    assert right >= 0.85 * len(held_out)


def test_the_unbatched_route_gives_the_same_answer_from_a_call_of_its_own(client: TestClient) -> None:
    for sample in samples(client, 8):
        batched = client.post("/predict", json={"pixels": sample["pixels"]}).json()
        alone = client.post("/predict/unbatched", json={"pixels": sample["pixels"]}).json()
        assert alone == {**batched, "batch_size": 1}


def test_the_stream_sends_one_prediction_event_per_image_from_shared_model_calls(client: TestClient) -> None:
    held_out = samples(client, 20)
    answer = client.post("/predict/stream", json={"images": [s["pixels"] for s in held_out]})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/event-stream; charset=utf-8"
    events = events_of(answer.text)
    assert events[-1] == ("end", {"count": 20})
    predictions = [data for kind, data in events[:-1]]
    assert all(kind == "prediction" for kind, _ in events[:-1])
    assert sorted(p["index"] for p in predictions) == list(range(20))
    assert max(p["batch_size"] for p in predictions) > 1
    singles = {i: client.post("/predict", json={"pixels": s["pixels"]}).json()["digit"] for i, s in enumerate(held_out)}
    assert {p["index"]: p["digit"] for p in predictions} == singles


async def test_concurrent_requests_share_model_calls() -> None:
    async with AsyncTestClient(model_api.app) as client:
        held_out = (await client.get("/samples", params={"count": 24})).json()["samples"]
        answers: list[dict[str, Any]] = []

        async def ask(pixels: list[float]) -> None:
            answers.append((await client.post("/predict", json={"pixels": pixels})).json())

        async with anyio.create_task_group() as tg:
            for sample in held_out:
                tg.start_soon(ask, sample["pixels"])
    assert len(answers) == 24
    assert max(a["batch_size"] for a in answers) > 1
    assert all(a["batch_size"] <= model_api.MAX_BATCH for a in answers)


async def test_an_image_refused_by_a_full_queue_is_a_failed_event_and_the_stream_goes_on() -> None:
    async def slow(images: list[list[float]]) -> list[model_api.Prediction]:
        await anyio.sleep(0.05)
        return [model_api.Prediction(7, 1.0, len(images)) for _ in images]

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
        yield {"predict_digit": batched(slow, max_size=1, max_wait=0, max_queue=1)}

    app = App([post("/predict/stream", model_api.predict_stream)], lifespan=lifespan)
    async with AsyncTestClient(app) as client:
        answer = await client.post("/predict/stream", json={"images": [[0] * 64] * 4})
    events = events_of(answer.text)
    kinds = [kind for kind, _ in events]
    assert "prediction" in kinds and "failed" in kinds and kinds[-1] == "end"
    assert sorted(data["index"] for _, data in events[:-1]) == [0, 1, 2, 3]
    assert all(data["detail"].startswith("Too many requests") for kind, data in events if kind == "failed")


async def test_a_model_error_is_a_failed_event_for_the_images_of_that_call(caplog: pytest.LogCaptureFixture) -> None:
    def fragile(images: list[list[float]]) -> list[model_api.Prediction]:
        if any(image[0] > 0 for image in images):
            raise ValueError("bad pixel")
        return [model_api.Prediction(0, 1.0, len(images)) for _ in images]

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
        yield {"predict_digit": batched(fragile, max_size=1, max_wait=0)}

    app = App([post("/predict/stream", model_api.predict_stream)], lifespan=lifespan)
    async with AsyncTestClient(app) as client:
        answer = await client.post("/predict/stream", json={"images": [[0] * 64, [1] + [0] * 63, [0] * 64]})
    events = sorted(events_of(answer.text)[:-1], key=lambda event: event[1]["index"])
    assert [kind for kind, _ in events] == ["prediction", "failed", "prediction"]
    assert events[1][1] == {"index": 1, "detail": "The model failed on this image"}
    assert "prediction 1 of a stream failed" in caplog.text


@pytest.mark.parametrize(
    ("path", "body", "status", "loc"),
    [
        ("/predict", {"pixels": [0] * 63}, 422, ["body", "pixels"]),
        ("/predict", {"pixels": [0] * 10 + [17] + [0] * 53}, 422, ["body", "pixels", 10]),
        ("/predict", {"pixels": [0] * 64, "extra": 1}, 422, ["body"]),
        ("/predict/stream", {"images": []}, 422, ["body", "images"]),
        ("/predict/stream", {"images": [[0] * 64] * 65}, 422, ["body", "images"]),
    ],
)
def test_bad_bodies_are_a_422_naming_the_field(client: TestClient, path: str, body: Any, status: int, loc: list[Any]) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code == status
    assert answer.json()["detail"][0]["loc"] == loc


def test_malformed_json_a_non_json_body_and_a_huge_body_are_refused(client: TestClient) -> None:
    assert client.post("/predict", content=b"{", headers={"content-type": "application/json"}).status_code == 400
    assert client.post("/predict", content=b"pixels", headers={"content-type": "text/plain"}).status_code == 415
    assert client.post("/predict", content=b"[" + b"0," * 20_000 + b"0]", headers={"content-type": "application/json"}).status_code == 413


def test_samples_takes_a_count_from_1_to_64(client: TestClient) -> None:
    assert len(samples(client, 1)) == 1
    assert client.get("/samples").json()["samples"].__len__() == 16
    for bad in ("0", "65", "many"):
        answer = client.get("/samples", params={"count": bad})
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "count"]


def test_the_page_uses_the_routes_wherever_the_app_is_mounted(client: TestClient) -> None:
    alone = client.get("/")
    assert alone.headers["content-type"] == "text/html; charset=utf-8"
    assert 'data-predict="/predict" data-stream="/predict/stream" data-samples="/samples"' in alone.text
    assert [ex.slug for ex in EXAMPLES if ex.app is model_api.app] == ["digits"]
    with TestClient(create_app([ex for ex in EXAMPLES if ex.slug == "digits"])) as showcase:
        page = showcase.get("/digits/")
        assert 'data-predict="/digits/predict" data-stream="/digits/predict/stream"' in page.text
        sample = showcase.get("/digits/samples", params={"count": 1}).json()["samples"][0]
        assert showcase.post("/digits/predict", json={"pixels": sample["pixels"]}).status_code == 200


def test_under_a_real_uvicorn_concurrent_clients_are_batched_and_the_stream_arrives() -> None:
    async def drive(base_url: str) -> tuple[list[dict[str, Any]], list[tuple[str, Any]]]:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            held_out = (await http.get("/samples", params={"count": 32})).json()["samples"]
            answers: list[dict[str, Any]] = []

            async def ask(pixels: list[float]) -> None:
                answer = await http.post("/predict", json={"pixels": pixels})
                answer.raise_for_status()
                answers.append(answer.json())

            async with anyio.create_task_group() as tg:
                for sample in held_out:
                    tg.start_soon(ask, sample["pixels"])
            chunks = []
            async with http.stream("POST", "/predict/stream", json={"images": [s["pixels"] for s in held_out[:10]]}) as streamed:
                async for chunk in streamed.aiter_text():
                    chunks.append(chunk)
        return answers, events_of("".join(chunks))

    with run_uvicorn(model_api.app) as base_url:
        answers, events = anyio.run(drive, base_url)
    assert len(answers) == 32
    assert max(a["batch_size"] for a in answers) > 1
    assert [kind for kind, _ in events] == ["prediction"] * 10 + ["end"]


def test_a_client_that_leaves_the_stream_costs_no_more_model_calls() -> None:
    calls: list[int] = []

    async def slow(images: list[list[float]]) -> list[model_api.Prediction]:
        calls.append(len(images))
        await anyio.sleep(1.0)
        return [model_api.Prediction(7, 1.0, len(images)) for _ in images]

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
        yield {"predict_digit": batched(slow, max_size=1, max_wait=0)}

    app = App([post("/predict/stream", model_api.predict_stream)], lifespan=lifespan)
    with run_uvicorn(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        with http.stream("POST", "/predict/stream", json={"images": [[0] * 64] * 5}) as answer:
            assert answer.status_code == 200
            deadline = time.monotonic() + 5
            while not calls and time.monotonic() < deadline:
                time.sleep(0.01)
        # the connection is closed here, while the first image's model call runs
        time.sleep(2.5)
    assert calls == [1], "images queued behind the first one were still sent to the model"
