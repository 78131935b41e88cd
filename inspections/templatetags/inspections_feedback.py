"""Template helpers of the public feedback form: accessible fields with their errors beside them."""

from django import template

register = template.Library()


@register.inclusion_tag("inspections/_field.html")
def feedback_field(field):
    """Render one form field with label, help and errors, tied together with aria attributes."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        field.field.widget.attrs["aria-invalid"] = "true"
    if described:
        field.field.widget.attrs["aria-describedby"] = " ".join(described)
    return {"field": field}
