"""Learning modules: knowledge checks, private reflections, progress, completion and refusals."""

from __future__ import annotations

import pytest

from learning import services
from learning.models import CheckAnswer, ModuleProgress, Reflection
from tests.factories.learning import list_modules, make_module, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    return make_programme()


@pytest.fixture
def module(programme):
    module = make_module(programme)
    list_modules(programme, [module])
    return module


def _check_ids(module):
    return [block.id for block in module.checks()]


def _reflection_id(module):
    return next(block.id for block in module.body if block.block_type == "reflection")


def test_outsider_reads_module_with_sign_in_prompt_and_no_forms(client, module):
    response = client.get(module.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in</a> to answer" in html
    assert "Question 1?" in html
    assert "<form" not in html.split('id="maincontent"')[1]


def test_checks_are_fieldsets_with_legends_and_every_answer_gets_feedback(client, member, module):
    client.force_login(member)
    first = _check_ids(module)[0]
    html = client.get(module.url).content.decode()
    assert '<fieldset class="nhsuk-fieldset"' in html and "<legend" in html
    response = client.post(f"/learning/modules/{module.pk}/checks/{first}/", {"choice": "0"})
    assert response.status_code == 302 and response.url.endswith(f"#{first}")
    html = client.get(module.url).content.decode()
    assert "Not quite: try again" in html
    assert "Feedback: Wrong is not it." in html and "Feedback: Right is it." in html
    progress = ModuleProgress.objects.get(user=member, module=module)
    assert progress.state == ModuleProgress.State.IN_PROGRESS and progress.last_block_id == first
    assert f'href="#{first}">Continue where you left off' in html


def test_no_choice_shows_error_summary_and_saves_nothing(client, member, module):
    client.force_login(member)
    first = _check_ids(module)[0]
    response = client.post(f"/learning/modules/{module.pk}/checks/{first}/", {"choice": "9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and f'href="#{first}-option-0">Choose an answer.' in html
    assert "<title>Error:" in html
    assert not CheckAnswer.objects.exists() and not ModuleProgress.objects.exists()


def test_completion_needs_every_check_right_then_records_it(client, member, module):
    client.force_login(member)
    response = client.post(f"/learning/modules/{module.pk}/complete/")
    assert response.status_code == 400
    assert "Answer every knowledge check correctly first" in response.content.decode()
    assert not ModuleProgress.objects.filter(state=ModuleProgress.State.COMPLETED).exists()
    for block_id in _check_ids(module):
        client.post(f"/learning/modules/{module.pk}/checks/{block_id}/", {"choice": "1"})
    response = client.post(f"/learning/modules/{module.pk}/complete/")
    assert response.status_code == 302
    progress = ModuleProgress.objects.get(user=member, module=module)
    assert progress.state == ModuleProgress.State.COMPLETED and progress.completed_at
    html = client.get(module.get_parent().url).content.decode()
    assert 'nhsuk-tag--green">Completed' in html


def test_reflection_is_private_to_its_author(client, member, other_member, module):
    client.force_login(member)
    block_id = _reflection_id(module)
    client.post(f"/learning/modules/{module.pk}/reflections/{block_id}/", {"text": "Test the new rota on Tuesday"})
    assert Reflection.objects.get(user=member).text == "Test the new rota on Tuesday"
    assert "Test the new rota on Tuesday" in client.get(module.url).content.decode()
    client.force_login(other_member)
    assert "Test the new rota on Tuesday" not in client.get(module.url).content.decode()
    assert "Test the new rota on Tuesday" not in client.get("/learning/record/").content.decode()


def test_blank_reflection_refused_with_message(client, member, module):
    client.force_login(member)
    block_id = _reflection_id(module)
    response = client.post(f"/learning/modules/{module.pk}/reflections/{block_id}/", {"text": "   "})
    assert response.status_code == 400
    assert "Write your reflection before saving it." in response.content.decode()
    assert not Reflection.objects.exists()


def test_answer_to_module_unpublished_meanwhile_is_refused_clearly(client, member, module):
    client.force_login(member)
    first = _check_ids(module)[0]
    client.get(module.url)
    module.unpublish()
    response = client.post(f"/learning/modules/{module.pk}/checks/{first}/", {"choice": "1"})
    assert response.status_code == 409
    assert "has been withdrawn by its editors since you opened it, so your answer was not saved" in (
        response.content.decode()
    )
    assert not CheckAnswer.objects.exists() and not ModuleProgress.objects.exists()
    with pytest.raises(services.ModuleWithdrawn):
        services.complete_module(user=member, module=module)


def test_answers_need_sign_in(client, module):
    first = _check_ids(module)[0]
    response = client.post(f"/learning/modules/{module.pk}/checks/{first}/", {"choice": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not CheckAnswer.objects.exists()


def test_never_published_module_is_404(client, member, programme):
    module = make_module(programme, "Draft module")
    module.unpublish()
    module.first_published_at = None
    module.save()
    client.force_login(member)
    first = _check_ids(module)[0]
    assert client.post(f"/learning/modules/{module.pk}/checks/{first}/", {"choice": "1"}).status_code == 404


def test_programme_page_shows_phases_and_progress(client, member, programme, module):
    client.force_login(member)
    html = client.get(programme.url).content.decode()
    for phase in ("Crawl", "Walk", "Run"):
        assert phase in html
    assert module.title in html and "Not started" in html
