// The print button of the printable forms (coupon, refusal), bound here instead of an inline
// onclick handler (the Content-Security-Policy forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
