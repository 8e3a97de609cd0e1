"""Forms: `await req.form()` returns a `FormData` whose files are `UploadFile`s.

Parsing needs python-multipart (the `forms` extra); these values import without it.
"""

from lette_fp.forms.data import FormData, FormValue
from lette_fp.forms.limits import FormLimits
from lette_fp.forms.upload import UploadFile

__all__ = ["FormData", "FormLimits", "FormValue", "UploadFile"]
