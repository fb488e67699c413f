from django.urls import path

from learning_records import views

app_name = "learning_records"

urlpatterns = [
    path("", views.my_record, name="mine"),
    path("statements.jsonl", views.my_record_download, name="download"),
]
