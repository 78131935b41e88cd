"""QR codes that open the public form with a unit preselected (for the one-stop counter's wall)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse


def unit_form_url(request, unit) -> str:
    """The absolute address of the form for ``unit`` as this site is reached."""
    return request.build_absolute_uri(
        f"{reverse('feedback:form')}?{urlencode({'unit': unit.code})}"
    )


def qr_svg(data: str) -> bytes:
    """An SVG QR code (vector: sharp at any print size), error correction M."""
    import qrcode  # with Pillow: loaded by the first QR code, not with the admin
    import qrcode.image.svg

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode").encode("utf-8")
