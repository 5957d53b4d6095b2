// Row 1: no authentication at all.
import { benchFastify, type AppBuilder } from './app.js'

export const baseline: AppBuilder = async () => ({ app: benchFastify() })
