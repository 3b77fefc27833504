from django.http import HttpResponse


def order_stats(request):  # placeholder until the statistics page lands
    return HttpResponse("")
