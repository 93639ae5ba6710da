"""/api/v1/files/<token>/: an attached file for API clients (a token or the session), by the rule of the
pages' download (core.views.readable_attachment): only for those who may see the record it belongs to."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView


class FileNegotiation(DefaultContentNegotiation):
    """The file is the answer whatever the client accepts; errors are JSON (the first renderer)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FileDownloadApi(APIView):
    content_negotiation_class = FileNegotiation

    @extend_schema(
        summary=_("下载附件"),
        description=_(
            "按附件的下载令牌取得文件（作为附件下载，不在浏览器中打开）；仅限可以查看该附件所属记录的用户，"
            "其他人得到 404。记录接口中的 download_url 指向这里。"
        ),
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description=_("文件"))},
    )
    def get(self, request, token: str):
        from core.views import attachment_response, readable_attachment

        att = readable_attachment(request.user, token)
        if att is None:
            raise NotFound(_("附件不存在，或您没有查看它的权限。"))
        return attachment_response(att)
