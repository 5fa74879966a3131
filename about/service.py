"""Who runs the service, as the pages the law requires name it: read from the settings
(SERVICE_ORGANISATION, SERVICE_ADMINISTRATION, SERVICE_CONTACT_EMAIL, SERVICE_CONTACT_PHONE),
so that another municipality runs the same code under its own name."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class ServiceOwner:
    organisation: str  # "Stockholms stad"
    administration: str  # "Socialförvaltningen": who runs it within the organisation
    email: str  # where to report a problem or ask for content in another form
    phone: str  # optional

    @property
    def name(self) -> str:
        """ "Socialförvaltningen, Stockholms stad", or the organisation alone."""
        return ", ".join(part for part in (self.administration, self.organisation) if part)


def service_owner() -> ServiceOwner:
    return ServiceOwner(
        organisation=settings.SERVICE_ORGANISATION,
        administration=settings.SERVICE_ADMINISTRATION,
        email=settings.SERVICE_CONTACT_EMAIL,
        phone=settings.SERVICE_CONTACT_PHONE,
    )
