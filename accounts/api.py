from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import APIException, AuthenticationFailed, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import login_limits
from accounts.authentication import ScopedTokenAuthentication
from accounts.models import ApiToken
from accounts.predicates import owes_second_factor
from accounts.services import issue_api_token
from core.api.throttling import AnonRateThrottle


class Locked(APIException):
    """The account is locked out (django-axes): 429 with Retry-After, as the login page answers."""

    status_code = 429
    default_code = "locked_out"

    def __init__(self, detail, wait: int):
        super().__init__(detail)
        self.wait = wait


class TooManyFailures(APIException):
    """The caller's address has used up its failed sign-ins (accounts.login_limits), as the login page answers."""

    status_code = 429
    default_code = "rate_limited"

    def __init__(self, wait: int):
        # The exception handler sends `wait` as Retry-After, as for the throttles and the lock-out.
        minutes = max((wait + 59) // 60, 1)
        super().__init__(
            _("该网络地址登录失败次数过多，请%(minutes)s分钟后再试（Retry-After：%(seconds)s秒）。")
            % {"minutes": minutes, "seconds": wait}
        )
        self.wait = wait


class TokenObtainApi(APIView):
    """Exchange a username and password for an API token (read or write scope)."""

    permission_classes = [permissions.AllowAny]
    # No session (so no CSRF for scripts); the token scheme only so that a wrong password is a 401 that
    # names how to authenticate (DRF answers 403 when no authenticator is declared).
    authentication_classes = [ScopedTokenAuthentication]
    throttle_classes = [AnonRateThrottle]

    class TokenInputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=200, style={"input_type": "password"})
        scope = serializers.ChoiceField(choices=ApiToken.Scope.choices, default=ApiToken.Scope.READ)
        name = serializers.CharField(max_length=100, required=False, default="api")

    class TokenOutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        scope = serializers.CharField()
        username = serializers.CharField()

    @extend_schema(request=TokenInputSerializer, responses=TokenOutputSerializer, summary=_("获取接口令牌"))
    def post(self, request):
        data = self.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if login_limits.address_exhausted(request):
            raise TooManyFailures(wait=login_limits.seconds_left(request))
        user = authenticate(request, username=data.validated_data["username"], password=data.validated_data["password"])
        if user is None or not user.is_active:
            login_limits.count_failure(request)
        if getattr(request, "axes_locked_out", False):
            # django-axes refused before the password was even checked: saying "wrong password" would
            # send the caller on guessing; say what the login page says.
            seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
            raise Locked(
                _("由于连续多次登录失败，该账号已被暂时锁定。请%(minutes)s分钟后再试；如需提前解锁，请联系系统管理员。")
                % {"minutes": seconds // 60},
                wait=seconds,
            )
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("用户名或密码错误。"))
        enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if enrolled or owes_second_factor(user):
            # A token needs no second factor afterwards: whoever has one (and staff, when it is enforced)
            # mints a token on the tokens page, after TOTP; a password alone is not enough here either.
            raise PermissionDenied(_("已启用两步验证的账号须先登录网页并完成两步验证，再在“接口令牌”页面创建令牌。"))
        # Through the service, which holds the documented limit of active tokens per user.
        _token, key = issue_api_token(user=user, scope=data.validated_data["scope"], name=data.validated_data["name"])
        return Response({"token": key, "scope": data.validated_data["scope"], "username": user.username})


class WhoAmIApi(APIView):
    """The signed-in user and their roles."""

    class WhoAmIOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        name = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())
        department = serializers.CharField(allow_null=True)

    @extend_schema(responses=WhoAmIOutputSerializer, summary=_("当前用户"))
    def get(self, request):
        user = request.user
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "name": user.display,
                "roles": sorted(user.roles),
                "department": str(user.department) if user.department_id else None,
            }
        )
