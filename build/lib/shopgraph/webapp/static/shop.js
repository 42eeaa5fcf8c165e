// ShopGraph's small script. Pages work without it: every form posts to the server. With it, feedback
// forms (those with data-event) are sent to POST /api/v1/events as JSON, with the page's CSRF token in
// X-CSRFToken, and the page updates in place. It also swaps broken product images for their placeholder
// and submits the sort menu when it changes.
(function () {
  "use strict";

  var csrfToken = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  var THANKS = {
    rate: function (e) { return "Thanks! You rated this " + e.value + " out of 5."; },
    unrate: function () { return "Your rating is removed."; },
    like: function () { return "Saved to your likes."; },
    unlike: function () { return "Removed from your likes."; },
    dislike: function () { return "Got it: we will show you less like this."; },
    undislike: function () { return "We will show it again."; },
    cart: function () { return "Added to your cart."; },
    uncart: function () { return "Removed from your cart."; }
  };

  var toastTimer;
  function toast(message, isError) {
    var box = document.querySelector("[data-toast]");
    if (!box) { return; }
    box.textContent = message;
    box.classList.toggle("error", !!isError);
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { box.hidden = true; }, 3200);
  }

  function sendEvent(event) {
    return fetch("/api/v1/events", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(event)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error((body.error && body.error.message) || "Something went wrong; please try again.");
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  function starsMarkup(average) {
    var html = "";
    for (var position = 1; position <= 5; position++) {
      var kind = average >= position - 0.25 ? "full" : (average >= position - 0.75 ? "half" : "empty");
      html += '<span class="star star-' + kind + '">★</span>';
    }
    return html;
  }

  function showRating(result) {
    var summary = document.querySelector("[data-rating-summary]");
    if (summary && result.ratingCount) {
      var average = Number(result.avgRating);
      var count = Number(result.ratingCount);
      summary.innerHTML = '<span class="rating"><span class="stars" aria-hidden="true">' + starsMarkup(average) +
        '</span><span class="rating-figure">' + average.toFixed(1) + '</span><span class="muted">(' + count +
        (count === 1 ? " rating" : " ratings") + ")</span></span>";
    }
    document.querySelectorAll(".star-button").forEach(function (button) {
      var value = Number(button.value);
      button.classList.toggle("on", result.rating && value <= result.rating);
      button.setAttribute("aria-pressed", String(value === result.rating));
    });
    var own = document.querySelector("[data-own-rating]");
    if (own) { own.textContent = result.rating ? "You rated this " + result.rating + " out of 5." : "Tap a star to rate it."; }
  }

  function setToggle(selector, pressed, onType, offType) {
    var button = document.querySelector(selector);
    if (!button) { return; }
    button.setAttribute("aria-pressed", String(pressed));
    var type = button.form.querySelector("[data-type]");
    if (type) { type.value = pressed ? offType : onType; }
  }

  function addToCartCount(quantity, inCart) {
    var badge = document.querySelector("[data-cart-count]");
    if (badge) { badge.textContent = String(Number(badge.textContent || 0) + quantity); badge.hidden = false; }
    var note = document.querySelector("[data-in-cart]");
    var count = document.querySelector("[data-in-cart-count]");
    if (note && count) { count.textContent = String(inCart); note.hidden = false; }
  }

  function applied(form, event, body) {
    var result = body.result || {};
    switch (event.type) {
      case "rate": case "unrate": showRating(result); break;
      case "like": setToggle("[data-like]", true, "like", "unlike"); setToggle("[data-dislike]", false, "dislike", "undislike"); break;
      case "unlike": setToggle("[data-like]", false, "like", "unlike"); break;
      case "dislike": setToggle("[data-dislike]", true, "dislike", "undislike"); setToggle("[data-like]", false, "like", "unlike"); break;
      case "undislike": setToggle("[data-dislike]", false, "dislike", "undislike"); break;
      case "cart": addToCartCount(body.value || 1, result.inCart); break;
    }
    if (form.hasAttribute("data-remove-row")) {
      var row = form.closest("[data-row]");
      if (row) { row.remove(); }
    }
    toast((THANKS[event.type] || function () { return "Saved."; })(body));
  }

  document.addEventListener("submit", function (submitEvent) {
    var form = submitEvent.target;
    if (!form.matches("form[data-event]") || !window.fetch) { return; }
    submitEvent.preventDefault();
    var data = new FormData(form);
    var submitter = submitEvent.submitter;
    if (submitter && submitter.name) { data.set(submitter.name, submitter.value); }
    var event = { product_id: form.dataset.product, type: String(data.get("type")) };
    if (data.get("value")) { event.value = Number(data.get("value")); }
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    sendEvent(event)
      .then(function (body) { applied(form, event, body); })
      .catch(function (error) {
        if (error.status === 401) {
          window.location.href = "/signin?next=" + encodeURIComponent(window.location.pathname);
          return;
        }
        toast(error.message, true);
      })
      .then(function () { buttons.forEach(function (button) { button.disabled = false; }); });
  });

  document.addEventListener("change", function (changeEvent) {
    var select = changeEvent.target;
    if (select.matches("select[data-autosubmit]")) { select.form.submit(); }
  });

  // A remote image that fails to load gives way to the product's placeholder tile.
  function useFallback(image) {
    image.hidden = true;
    var tile = image.parentElement.querySelector(".placeholder");
    if (tile) { tile.removeAttribute("hidden"); }
  }
  document.querySelectorAll("img[data-fallback]").forEach(function (image) {
    if (image.complete && image.naturalWidth === 0) { useFallback(image); }
    image.addEventListener("error", function () { useFallback(image); });
  });
})();
