"""People: an email-addressed user and the profile they choose to share."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse


class UserManager(BaseUserManager["User"]):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A Boost account. Sign-in is by email address; the public name lives on the profile."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name shown to other people: the profile's display name, else the full name."""
        profile = getattr(self, "profile", None)
        return self.name_from(
            profile.display_name if profile is not None else "", self.first_name, self.last_name, self.email
        )

    @staticmethod
    def name_from(display_name: str | None, first_name: str, last_name: str, email: str) -> str:
        """``display_name`` from columns alone, for pages that read people as plain rows."""
        if display_name:
            return display_name
        full = f"{first_name} {last_name}".strip()
        return full or email.split("@", 1)[0]

    def get_short_name(self) -> str:
        return self.display_name

    def in_group(self, name: str) -> bool:
        return self.groups.filter(name=name).exists()


class Profession(models.TextChoices):
    NURSE = "nurse", "Nurse or midwife"
    DOCTOR = "doctor", "Doctor"
    AHP = "ahp", "Allied health professional (therapist, paramedic…)"
    PHARMACY = "pharmacy", "Pharmacist or pharmacy technician"
    MANAGER = "manager", "Manager or administrator"
    SOCIAL_CARE = "social_care", "Social care"
    IMPROVEMENT = "improvement", "Quality improvement or analyst"
    LIVED_EXPERIENCE = "lived_experience", "Patient, carer or lived experience"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class ProfileVisibility(models.TextChoices):
    PUBLIC = "public", "Anyone, including people who are not signed in"
    MEMBERS = "members", "Only people signed in to Boost"
    PRIVATE = "private", "Only me (and community facilitators for communities I belong to)"


def avatar_path(instance: Profile, filename: str) -> str:
    # No user id in the name: the storage adds a random directory (boost.storage.MediaStorage).
    return f"avatars/{filename}"


class Profile(models.Model):
    """What a person tells others about themselves, and which parts they show."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    profession = models.CharField(max_length=32, choices=Profession.choices, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    bio = models.TextField(max_length=600, blank=True)
    interests = models.ManyToManyField("boost.CareArea", blank=True, related_name="interested_profiles")
    avatar = models.ImageField(upload_to=avatar_path, blank=True)

    visibility = models.CharField(max_length=16, choices=ProfileVisibility.choices, default=ProfileVisibility.MEMBERS)
    show_organisation = models.BooleanField(default=True)
    show_profession = models.BooleanField(default=True)
    show_bio = models.BooleanField(default=True)
    show_interests = models.BooleanField(default=True)
    show_avatar = models.BooleanField(default=True)
    searchable = models.BooleanField(
        default=False, help_text="Let people find me in Boost search (only the parts I show)."
    )

    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user.email}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.user_id])
