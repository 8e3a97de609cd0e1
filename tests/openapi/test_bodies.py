"""Request bodies: JSON from msgspec types, forms from FormData, multipart from UploadFile."""

import dataclasses
from typing import Annotated

import msgspec

from lette_fp import Form, get, post
from lette_fp.forms import FormData, UploadFile

from .helpers import document, operation, resolve


class NewItem(msgspec.Struct):
    name: str
    price: float = 0.0


def test_a_struct_parameter_is_a_required_json_body_with_its_schema() -> None:
    def create(item: NewItem): ...

    doc = document([post("/items", create)])
    body = doc["paths"]["/items"]["post"]["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert resolve(doc, schema)["properties"] == {"name": {"type": "string"}, "price": {"type": "number", "default": 0.0}}


def test_a_body_with_a_default_is_optional_and_other_json_types_are_bodies_too() -> None:
    @dataclasses.dataclass
    class Point:
        x: int

    def many(points: list[Point]): ...

    def maybe(item: NewItem | None = None): ...

    doc = document([post("/many", many), post("/maybe", maybe)])
    assert doc["paths"]["/many"]["post"]["requestBody"]["content"]["application/json"]["schema"]["type"] == "array"
    assert doc["paths"]["/maybe"]["post"]["requestBody"]["required"] is False


def test_form_data_is_either_form_encoding() -> None:
    def submit(form: FormData): ...

    body = operation([post("/form", submit)], "/form", "post")["requestBody"]
    assert set(body["content"]) == {"application/x-www-form-urlencoded", "multipart/form-data"}
    assert body["content"]["application/x-www-form-urlencoded"]["schema"] == {"type": "object", "additionalProperties": {"type": "string"}}


def test_upload_files_are_binary_multipart_fields_named_after_their_parameters() -> None:
    def upload(avatar: UploadFile, extra: UploadFile = None): ...  # type: ignore[assignment]

    body = operation([post("/up", upload)], "/up", "post")["requestBody"]
    assert body == {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "properties": {"avatar": {"type": "string", "format": "binary"}, "extra": {"type": "string", "format": "binary"}},
            "required": ["avatar"],
        }}},
    }


def test_a_handler_reading_no_body_has_none() -> None:
    def show(req): ...

    assert "requestBody" not in operation([get("/", show)], "/")


class Signup(msgspec.Struct):
    username: str
    age: int = 0


def test_a_form_struct_is_either_form_encoding_with_its_schema() -> None:
    def signup(data: Annotated[Signup, Form()]): ...

    doc = document([post("/signup", signup)])
    body = doc["paths"]["/signup"]["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"application/x-www-form-urlencoded", "multipart/form-data"}
    schema = resolve(doc, body["content"]["application/x-www-form-urlencoded"]["schema"])
    assert schema["properties"] == {"username": {"type": "string"}, "age": {"type": "integer", "default": 0}}
    assert "422" in doc["paths"]["/signup"]["post"]["responses"]


def test_form_fields_and_files_make_one_multipart_object() -> None:
    def post_photo(title: Annotated[str, Form()], photo: UploadFile, public: Annotated[bool, Form(alias="is-public")] = False): ...

    body = operation([post("/photos", post_photo)], "/photos", "post")["requestBody"]
    assert list(body["content"]) == ["multipart/form-data"]
    assert body["content"]["multipart/form-data"]["schema"] == {
        "type": "object",
        "properties": {"title": {"type": "string"}, "is-public": {"type": "boolean", "default": False},
                       "photo": {"type": "string", "format": "binary"}},
        "required": ["title", "photo"],
    }
