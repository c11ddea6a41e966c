from django.urls import path

from chiso.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    path("bang-hoi/tai-len/", views.upload_questionnaire, name="upload_questionnaire"),
    path("bang-hoi/sipas/", views.use_sipas, name="use_sipas"),
    path("bang-hoi/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("tao/", views.create, name="create"),
    path("<int:pk>/", views.survey, name="survey"),
    path("<int:pk>/nhap/", views.import_file, name="import"),
    path("<int:pk>/phieu-giay/", views.paper, name="paper"),
    path("<int:pk>/tinh/", views.run_estimate, name="estimate"),
    path("<int:pk>/cong-bo/", views.toggle_publish, name="publish"),
    path("<int:pk>/ket-qua/", views.results, name="results"),
    path("<int:pk>/lien-ket/", views.link, name="link"),
]
