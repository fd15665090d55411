from django.urls import path

from journal.hooks import views

urlpatterns = [
    path("hooks/<str:token>/", views.ingest, name="hook_ingest"),
    path("services/<int:pk>/webhooks/", views.hook_create, name="hook_create"),
    path("services/<int:pk>/webhooks/<int:item>/rotate/", views.hook_rotate, name="hook_rotate"),
    path("services/<int:pk>/webhooks/<int:item>/revoke/", views.hook_revoke, name="hook_revoke"),
    path("services/<int:pk>/webhooks/deliveries/<int:item>/", views.hook_delivery, name="hook_delivery"),
]
