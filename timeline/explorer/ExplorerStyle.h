#pragma once
// The Qt palette the explorer's widgets use for a TimelinePalette: views on
// the timeline background, chrome in the lane-header colour, selection as a
// soft tint of the theme's selection colour (text stays readable).

#include "TimelinePalette.h"

#include <QPalette>

namespace aeroflow::timeline {

/// `base` with the colours of `palette` applied.
QPalette explorerPalette(const TimelinePalette& palette, QPalette base);

} // namespace aeroflow::timeline
