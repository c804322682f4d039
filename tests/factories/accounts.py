from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from accounts.models import User

PASSWORD = "correct-horse-battery-9"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nhs.uk")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        obj.save()

    @factory.post_generation
    def display_name(obj, create, extracted, **kwargs):
        if create:
            obj.profile.display_name = extracted or f"{obj.first_name} {obj.last_name}"
            obj.profile.save()


def user_with_role(role: str, *, with_mfa: bool = False, superuser: bool = False, **kwargs) -> User:
    user = UserFactory(is_superuser=superuser, is_staff=superuser, **kwargs)
    user.groups.add(Group.objects.get(name="Member"), Group.objects.get(name=role))
    if with_mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user
