from django.http import HttpResponse


def run_list(request):  # placeholder until the planning pages land
    return HttpResponse("")
