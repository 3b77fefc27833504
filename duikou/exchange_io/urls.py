from django.urls import path

from duikou.exchange_io import views, views_exports

app_name = "exchange_io"

urlpatterns = [
    path("", views.upload, name="import"),
    path("history/", views.batch_list, name="batch_list"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/status/", views.batch_status, name="batch_status"),
    path("batches/<int:pk>/confirm/", views.batch_confirm, name="batch_confirm"),
    path("batches/<int:pk>/undo/", views.batch_undo, name="batch_undo"),
    path("batches/<int:pk>/retry/", views.batch_retry, name="batch_retry"),
    path("batches/<int:pk>/errors.xlsx", views.batch_errors, name="batch_errors"),
    path("batches/<int:pk>/file/", views.batch_file, name="batch_file"),
    path("batches/<int:pk>/changes/", views.batch_changes, name="batch_changes"),
    path("batches/<int:pk>/changes.xlsx", views.batch_changes_xlsx, name="batch_changes_xlsx"),
    path("templates/", views.template_list, name="templates"),
    path("templates/all.xlsx", views.template_all, name="template_all"),
    path("templates/<str:sheet>.xlsx", views.template_sheet, name="template"),
    path("exports/", views_exports.export_list, name="export_list"),
    path("exports/<int:pk>/", views_exports.export_job, name="export_job"),
    path("exports/<int:pk>/status/", views_exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
]
