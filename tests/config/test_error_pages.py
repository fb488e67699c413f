import pytest


@pytest.mark.django_db
class NotFoundPageTests:
    def test_unknown_url_gets_the_styled_404(self, client, home_page):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        body = response.content.decode()
        assert "<h1>Page not found</h1>" in body
        assert 'href="#main"' in body  # the site's own layout, with its skip link
        assert "/no-such-page/" in body

    def test_unknown_url_under_accounts_gets_the_styled_404(self, client, home_page):
        response = client.get("/accounts/nothing-here/")
        assert response.status_code == 404
        assert b"Page not found" in response.content
