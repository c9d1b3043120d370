// Figures through Cairo (see the figures issue).
