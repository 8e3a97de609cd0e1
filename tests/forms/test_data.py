import io

import pytest

from lette_fp import FormData, UploadFile
from lette_fp.forms import FormData as FormsFormData
from lette_fp.forms import UploadFile as FormsUploadFile


def upload(content: bytes, name: str = "a.txt") -> UploadFile:
    return UploadFile(io.BytesIO(content), filename=name, size=len(content))


def test_exported_from_the_package_and_lette_fp_forms() -> None:
    assert FormData is FormsFormData and UploadFile is FormsUploadFile


def test_multi_valued_access_keeps_the_order_sent() -> None:
    photo = upload(b"png")
    form = FormData([("tag", "a"), ("photo", photo), ("tag", "b")])
    assert form["tag"] == "a"
    assert form.get("tag") == "a"
    assert form.get("missing") is None and form.get("missing", "x") == "x"
    assert form.getall("tag") == ["a", "b"]
    assert form.getall("missing") == []
    assert form.multi_items() == [("tag", "a"), ("photo", photo), ("tag", "b")]
    assert form.files() == [("photo", photo)]
    assert "tag" in form and "nope" not in form
    assert list(form) == ["tag", "photo"] and len(form) == 2
    with pytest.raises(KeyError):
        form["nope"]


def test_form_data_is_immutable_and_compares_by_items() -> None:
    form = FormData([("a", "1")])
    with pytest.raises(TypeError):
        form["a"] = "2"  # type: ignore[index]
    with pytest.raises(AttributeError):
        form.items_ = []  # type: ignore[attr-defined]
    assert form == FormData([("a", "1")])
    assert form != FormData([("a", "2")])
    assert form == {"a": "1"}


async def test_close_closes_every_file() -> None:
    first, second = upload(b"1"), upload(b"2")
    await FormData([("f", first), ("g", second), ("x", "y")]).close()
    assert first.file.closed and second.file.closed
