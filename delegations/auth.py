"""The staff authentication backend: Django's ModelBackend, whose per-request user load also reads
the user's rights (`permissions.user_with_rights`): one statement where there were two, the user
then the rights every staff view asks for first. Rights stay computed per request."""

from django.contrib.auth.backends import ModelBackend

from .permissions import user_with_rights


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_rights(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
