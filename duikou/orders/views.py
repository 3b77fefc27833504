from django.http import HttpResponse


def demand_list(request):  # placeholder until the demands pages land
    return HttpResponse("")
