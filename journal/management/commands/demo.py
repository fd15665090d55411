import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from journal import demo
from journal.roles import Role, set_role

USERNAME = "demo"


class Command(BaseCommand):
    help = "Load the seed story as demo data (idempotent) and make sure a 'demo' account exists."

    def add_arguments(self, parser):
        parser.add_argument("--no-account", action="store_true", help="Only load the data.")
        parser.add_argument(
            "--address", default="127.0.0.1:8000", help="Where the server listens, for the sign-in line."
        )

    def handle(self, *args, no_account: bool = False, address: str = "127.0.0.1:8000", **options):
        counts = demo.load()
        if counts["incidents"]:
            self.stdout.write(f"Demo data loaded: {counts['incidents']} incidents.")
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        if not no_account:
            self.stdout.write(self._account(address))

    def _account(self, address: str) -> str:
        """Create 'demo' (an admin) once with a random password kept in DATA_DIR; say how to sign in."""
        users = get_user_model()
        password_file = settings.DATA_DIR / "demo-password.txt"
        if not users.objects.filter(username=USERNAME).exists():
            password = secrets.token_urlsafe(12)
            users.objects.create_user(USERNAME, password=password)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        set_role(users.objects.get(username=USERNAME), Role.ADMIN)
        if password_file.exists():
            password = password_file.read_text().strip()
            return (
                f"Sign in at http://{address}/ as user '{USERNAME}' with password '{password}' "
                f"(kept in {password_file})."
            )
        return (
            f"Sign in at http://{address}/ as user '{USERNAME}' with the password set earlier "
            f"(reset it with: python manage.py changepassword {USERNAME})."
        )
