from django.test import Client


def test_favicon_ico_leads_to_the_nhs_icon(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".ico") and "favicons/favicon" in response["Location"]
