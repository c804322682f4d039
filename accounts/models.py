"""People: an email-addressed user and the profile they choose to share."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone

from boost.vocabulary import CareSetting


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

    # Kept in step with the person's current :class:`Suspension` (``accounts.sanctions``) so every
    # request and socket can refuse a suspended member from the user row it loads anyway, at no
    # extra query. A suspension with an end date ends by itself: ``is_suspended`` reads the clock.
    suspended = models.BooleanField(default=False, editable=False)
    suspended_until = models.DateTimeField(null=True, blank=True, editable=False)
    content_hidden = models.BooleanField(
        default=False, editable=False, help_text="A moderator hid this person's messages, discussions and profile."
    )

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    @property
    def is_suspended(self) -> bool:
        return self.suspended and (self.suspended_until is None or self.suspended_until > timezone.now())

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
        loaded = self.loaded_groups()
        if loaded is not None:
            return name in loaded.values()
        return self.groups.filter(name=name).exists()

    def loaded_groups(self) -> dict[int, str] | None:
        """{id: name} of this person's groups when they came with the person (the sign-in backend
        loads them with every signed-in request, accounts/backends.py); None otherwise, and the
        caller asks the database, so a person read elsewhere is never judged on stale groups."""
        if "group_rows" not in self.__dict__:
            return None
        parsed = self.__dict__.get("_loaded_groups")
        if parsed is None:
            rows = (line.split(":", 1) for line in (self.group_rows or "").splitlines())
            parsed = self.__dict__["_loaded_groups"] = {int(pk): name for pk, name in rows}
        return parsed

    def loaded_memberships(self) -> dict[int, str] | None:
        """{community id: role} of this person's active memberships when they came with the person
        (as :meth:`loaded_groups`); None otherwise, and the caller asks the database. None too once
        the content generation has moved on since they were loaded (every membership change moves
        it, in any server process: a join earlier in the same request, a removal while a socket
        stays open), or when it cannot be known (Redis unreachable)."""
        if "membership_rows" not in self.__dict__:
            return None
        from boost.page_cache import current_generation, shared_generation

        generation = current_generation()
        if generation != self.__dict__.get("memberships_loaded_at") or (not generation and shared_generation()):
            return None
        parsed = self.__dict__.get("_loaded_memberships")
        if parsed is None:
            rows = (line.split(":", 1) for line in (self.membership_rows or "").splitlines())
            parsed = self.__dict__["_loaded_memberships"] = {int(pk): role for pk, role in rows}
        return parsed


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
    # Only for leaders' aggregate figures (analytics), never shown on the profile page.
    care_setting = models.CharField(max_length=20, choices=CareSetting.choices, blank=True)
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


class SignInRecord(models.Model):
    """One successful sign-in: when, from where and with what browser (the person's sign-in history,
    part of what they may download). Kept for ``SIGN_IN_HISTORY_DAYS``; erased with the account."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins")
    signed_in_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # So every session of one person can be ended at once (suspension, closure) whatever the session
    # backend; never exported.
    session_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-signed_in_at", "-id"]

    def __str__(self) -> str:
        return f"Sign-in by {self.user_id} at {self.signed_in_at:%Y-%m-%d %H:%M}"


def suspended_now() -> models.Q:
    """``User.is_suspended`` as a query condition on users."""
    return models.Q(suspended=True) & (
        models.Q(suspended_until__isnull=True) | models.Q(suspended_until__gt=timezone.now())
    )


class SuspensionQuerySet(models.QuerySet):
    def in_force(self) -> SuspensionQuerySet:
        now = timezone.now()
        return self.filter(lifted_at__isnull=True).filter(models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now))


class Suspension(models.Model):
    """One suspension of a member, which is also its audit record: who suspended them, when, why,
    until when, whether their content was hidden, and who lifted it and when. The reason is for
    moderators only; the member is told that they are suspended and until when, never why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="suspensions_imposed"
    )
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until a curator lifts it.")
    hide_content = models.BooleanField(default=False)
    content_restored_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "lifted_at"])]

    def __str__(self) -> str:
        return f"Suspension of {self.user_id} from {self.created_at:%Y-%m-%d}"

    @property
    def is_in_force(self) -> bool:
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > timezone.now())

    @property
    def status(self) -> str:
        if self.lifted_at is not None:
            return "Lifted"
        if self.ends_at is not None and self.ends_at <= timezone.now():
            return "Ended"
        return "In force"

    @property
    def content_still_hidden(self) -> bool:
        return self.hide_content and self.content_restored_at is None
