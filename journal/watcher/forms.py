"""The form that adds a status source to a provider."""

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from journal.forms import ZoneInput
from journal.models import Service
from journal.watcher.fetch import refused_url
from journal.watcher.models import StatusSource


class StatusSourceForm(forms.ModelForm):
    class Meta:
        model = StatusSource
        fields = ["kind", "url", "service", "time_zone", "interval_minutes"]
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://status.example.com"}), "time_zone": ZoneInput}
        labels = {"kind": _("Kind"), "service": _("Service"), "time_zone": _("Time zone")}

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.provider = provider
        self.fields["service"].queryset = Service.objects.filter(provider=provider)
        self.fields["service"].empty_label = _("Any of its services")
        url = self.fields["url"]  # only http and https (a new validator: the default one is shared)
        url.validators = [URLValidator(schemes=["http", "https"])] + [
            v for v in url.validators if not isinstance(v, URLValidator)
        ]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if problem := refused_url(url):
            raise forms.ValidationError(problem)
        return url
