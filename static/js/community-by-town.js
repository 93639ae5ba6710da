// The community/village list follows the chosen town (intake.forms.CommunitySelect). The server already groups the
// list by town (one <optgroup> each); once a town is chosen, this offers only that town's group and
// clears a community of another town. Without this script the whole grouped list stays, and the
// server still refuses a community that is not in the chosen town.
(function () {
  document.querySelectorAll("select[data-town-field]").forEach(function (list) {
    var town = list.form && list.form.elements[list.dataset.townField];
    if (!town) { return; }
    function update(clear) {
      var chosen = town.value;
      Array.prototype.forEach.call(list.querySelectorAll("optgroup"), function (group) {
        var first = group.querySelector("option[data-town]");
        var other = Boolean(chosen) && Boolean(first) && first.dataset.town !== chosen;
        group.hidden = other;
        group.disabled = other;  // phones' native pickers may ignore hidden
      });
      var picked = list.options[list.selectedIndex];
      if (clear && chosen && picked && picked.dataset.town && picked.dataset.town !== chosen) { list.value = ""; }
    }
    town.addEventListener("change", function () { update(true); });
    // On a page sent back with errors the choice is kept as it was, for the error to be read.
    update(false);
  });
})();
