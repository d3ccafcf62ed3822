"""The accounts API on REST framework: /auth/register, login, me, logout.

Register and login take no authentication (a token sent along is ignored); me
and logout need a token, as every view does (REST_FRAMEWORK's defaults).
"""

from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .accounts import account, create_account, log_in, log_out
from .serializers import LoginSerializer, RegistrationSerializer


class RegisterView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        serializer = RegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = create_account(**serializer.validated_data)
        return Response(account(user), status=201)


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(log_in(request, **serializer.validated_data))


class MeView(APIView):
    def get(self, request: Request) -> Response:
        return Response(account(request.user))


class LogoutView(APIView):
    def post(self, request: Request) -> Response:
        log_out(request, request.auth)
        return Response(status=204)
