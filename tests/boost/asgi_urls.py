"""Boost's URLs plus a view that leaves a quit ``async_to_sync`` executor in its context.

That is the state asgiref's cancellation handling leaves a request in when its client hangs up
while sync code is inside an ``async_to_sync`` bridge (see ``boost.asgi.BoostASGIHandler``); a
view can put it there directly and deterministically.
"""

import asyncio
from concurrent.futures import Future, ThreadPoolExecutor

from asgiref.current_thread_executor import CurrentThreadExecutor
from asgiref.sync import AsyncToSync
from django.http import HttpResponse
from django.urls import path

from boost.urls import urlpatterns as boost_urlpatterns


def quit_executor() -> CurrentThreadExecutor:
    """An executor of another thread (as a request's sync thread would be) that has quit."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_make_quit_executor).result()


def _make_quit_executor() -> CurrentThreadExecutor:
    executor = CurrentThreadExecutor(None)
    done: Future = Future()
    done.set_result(None)
    executor.run_until_future(done)  # returns at once and leaves the executor quit
    return executor


async def hang_until_cancelled(request):
    AsyncToSync.executors.current = quit_executor()
    await asyncio.sleep(30)
    return HttpResponse("too late")


urlpatterns = [path("probe/hang/", hang_until_cancelled), *boost_urlpatterns]
